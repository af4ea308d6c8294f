"""The scheduler's leader among replicas: a session advisory lock on a connection of its own.

PostgreSQL keeps a session lock while its connection lives and releases it when the connection
ends, so a leader that is killed or cut off hands over as soon as the server notices: at once
for a closed socket, within the keepalive and user timeouts below for a silent one.
"""

from __future__ import annotations

import contextlib
from typing import Any

import psycopg

from bot.store.pg.connect import PgUnavailable, connect

# Any constant no other lock uses; migrations hold "serendip" (bot.store.pg.migrate).
LEADER_KEY = 0x73657265_6C656164 - 2**63  # "sereLead"
# A dead peer is noticed within about keepalives_idle + interval * count seconds, and a write
# left unacknowledged fails after tcp_user_timeout (ms): well inside the 30 s hand-over.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


class PgLeaderLock:
    """Try, keep and release the leader's advisory lock (blocking: call off the event loop)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None
        self._held = False

    def try_acquire(self) -> bool:
        """Take the lock if no live session holds it."""
        if self._held and self.holds():
            return True  # taking it again would stack a second hold on the session
        try:
            if self._conn is None or self._conn.closed:
                self._conn = connect(self.url, "SERENDIP_DB", **KEEPALIVES)
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", [LEADER_KEY]).fetchone()
        except (psycopg.Error, PgUnavailable):
            self._drop()
            return False
        self._held = bool(row and row[0])
        return self._held

    def holds(self) -> bool:
        """Whether the lock is still ours: its connection answers and the lock is on it."""
        if not self._held or self._conn is None:
            return False
        try:
            row = self._conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND objid = (%s::bigint & x'ffffffff'::bigint)"
                " AND classid = ((%s::bigint >> 32) & x'ffffffff'::bigint)",
                [LEADER_KEY, LEADER_KEY],
            ).fetchone()
        except psycopg.Error:
            self._drop()  # the session is gone, and with it the lock
            return False
        self._held = bool(row and row[0])
        return self._held

    def release(self) -> None:
        """Let another replica lead at once (closing the session alone releases the lock only
        when its server process has finished)."""
        if self._conn is not None and self._held:
            with contextlib.suppress(psycopg.Error):
                self._conn.execute("SELECT pg_advisory_unlock_all()")
        self._drop()

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None
