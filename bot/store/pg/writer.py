"""PostgreSQL's one writer: queued writes commit in groups, and a lost connection is replaced.

The writer thread takes every queued write, runs each in its own savepoint of one transaction
and commits once (group commit, as SQLite's writer does): a caller that got its answer knows
its write is committed. When the server goes away (a restart, a failover, a dropped network),
the batch fails with a storage error, `failure` says why (so /healthz answers 503, the inbox
holds its events and new ones are refused for Slack to retry), and the next batch, or a probe
now and then, opens a new connection; writes go on once it succeeds.

A batch whose COMMIT was cut off may or may not have landed: its callers get the error, and
what they retry is idempotent (the inbox keys on event ids, the outbox on claim tokens).

Replicas share the database, and their writers take turns: each batch first takes one
transaction-level advisory lock, so the writes of all replicas run one batch at a time, as
SQLite's one writer runs them. A write that reads before it writes (is this link an item
yet? which rowid is free?) then never races another replica's. A replica that stalls idle
inside a batch is cut off by the server after IDLE_IN_BATCH; one busy in a long statement
holds the others, who give up waiting after WAIT_FOR_TURN and say so (a storage failure).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import Connection

from bot.store.pg.connect import PgUnavailable
from bot.store.writer import BatchWriter, Job, Outcome, is_storage_error, resolve

Conn = Connection[Any]
log = logging.getLogger(__name__)
# Any constant nothing else in the database uses ("writes" in ASCII; migrations use another).
WRITE_LOCK = 0x777269746573
IDLE_IN_BATCH = "30s"
WAIT_FOR_TURN = "30s"


class PgWriter(BatchWriter[Conn]):
    """The only writing connection to PostgreSQL, opened again when it breaks."""

    def __init__(self, first: Conn, reconnect: Callable[[], Conn]) -> None:
        super().__init__(lambda: first)
        self._reconnect = reconnect
        self._conn = first

    def _live(self) -> Conn:
        """The connection, a new one if the old one broke (raises a storage error if none)."""
        if self._conn.broken or self._conn.closed:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            try:
                self._conn = self._reconnect()
            except PgUnavailable as exc:  # one line, without the password: a storage error
                raise psycopg.OperationalError(str(exc)) from None
            log.warning("the PostgreSQL writer connected again")
        return self._conn

    def _commit(self, db: Conn, batch: list[Job]) -> None:
        del db  # the connection of the moment, which may have been replaced
        results: list[Outcome] = []
        try:
            conn = self._live()
            with conn.transaction():
                conn.execute(f"SET LOCAL idle_in_transaction_session_timeout = '{IDLE_IN_BATCH}'")
                self._take_turn(conn)
                for fn, future, _ in batch:
                    results.append(self._apply(conn, fn, future))
            self.commits += 1
            self._note([error for _, _, error in results])
        except (psycopg.Error, OSError) as exc:
            again = self.failure is not None and is_storage_error(exc)
            log.log(logging.DEBUG if again else logging.ERROR, "write batch failed: %s", exc)
            self._note([exc])
            results = [(future, None, exc) for _, future, _ in batch]
        resolve(results)

    @staticmethod
    def _take_turn(conn: Conn) -> None:
        """Wait for the other replicas' batch to end, but not for ever: one stuck inside a
        long statement (the server cuts only idle ones) must not hang every replica's writes
        unseen. Past WAIT_FOR_TURN the batch fails as the storage's failure: /healthz says
        503, the inbox holds its events, and the next batch tries again."""
        conn.execute(f"SET LOCAL lock_timeout = '{WAIT_FOR_TURN}'")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        except psycopg.errors.LockNotAvailable:
            raise psycopg.OperationalError(
                f"another replica's writes kept the write lock for {WAIT_FOR_TURN}"
            ) from None
        conn.execute("SET LOCAL lock_timeout = 0")  # the writes themselves wait as ever

    @staticmethod
    def _apply(conn: Conn, fn: Callable[[Conn], Any], future: Any) -> Outcome:
        # A savepoint per write: one failing write is undone alone, the batch still commits.
        # A lost connection or a failing server fails the whole batch (raised on), not the
        # one write; any other error (a deadlock, a value too long to index) is that write's.
        try:
            with conn.transaction():
                return future, fn(conn), None
        except Exception as exc:
            if conn.broken or conn.closed or is_storage_error(exc):
                raise
            return future, None, exc

    def _alone(self, db: Conn, job: Job) -> None:
        del db
        fn, future, _ = job
        try:
            outcome: Outcome = (future, fn(self._live()), None)
        except Exception as exc:
            outcome = (future, None, exc)
            if isinstance(exc, psycopg.OperationalError):
                self._note([exc])
        resolve([outcome])

    def _probe(self, db: Conn) -> None:
        """A round trip that needs a live connection and a server accepting transactions."""
        del db
        self._conn.execute("SELECT 1")

    def _finish(self, db: Conn) -> None:
        del db
        with contextlib.suppress(psycopg.Error):
            self._conn.close()
