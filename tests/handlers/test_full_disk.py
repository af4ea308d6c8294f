"""`serendip run` on a full disk: acknowledged events wait and are handled once space comes
back, without a restart; new events are refused meanwhile, and `/healthz` says why.

The disk fills through RLIMIT_FSIZE, set on the running bot from outside (prlimit needs no
privilege on one's own processes): past the limit every write fails with EFBIG, which SQLite
reports as "disk I/O error". Python ignores SIGXFSZ, so the bot gets the error, not the
signal. Raising the limit again is space coming back.
"""

from __future__ import annotations

import asyncio
import resource
import signal
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import IO

import pytest

from localslack import LocalSlack
from tests.support.bot import populate
from tests.support.processes import free_port, start, wait_handled, wait_healthy
from tests.support.storefaults import health

EVENTS = 6
pytestmark = pytest.mark.skipif(not hasattr(resource, "prlimit"), reason="prlimit(2) is Linux only")


def set_file_limit(pid: int, limit: int) -> None:
    """The largest file offset the process may write at (its soft RLIMIT_FSIZE)."""
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def inbox_rows(db: Path) -> tuple[int, int]:
    """(events not handled yet, events marked failed), read beside the running bot."""
    conn = sqlite3.connect(db)
    try:
        pending = conn.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()
        failed = conn.execute("SELECT count(*) FROM inbox WHERE error IS NOT NULL").fetchone()
    finally:
        conn.close()
    return int(pending[0]), int(failed[0])


async def until_health(port: int, status: int) -> dict[str, object]:
    async with asyncio.timeout(30):
        while True:
            code, body = await health(port)
            if code == status:
                return body
            await asyncio.sleep(0.05)


def collect(stream: IO[bytes] | None, lines: list[str]) -> threading.Thread:
    """Read the bot's log as it comes (a pipe: the file size limit does not apply to it)."""

    def read() -> None:
        assert stream is not None
        for raw in stream:
            lines.append(raw.decode("utf-8", "replace"))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


async def test_a_full_disk_loses_no_acknowledged_event(tmp_path: Path) -> None:
    db, port = tmp_path / "full.db", free_port()
    log: list[str] = []
    async with LocalSlack() as slack:
        populate(slack)
        # Slack's retries, stretched less than the real 1 and 5 minutes but past the back-off.
        slack.deliver_http(
            f"http://127.0.0.1:{port}/slack/events", retry_delays=(1.0, 5.0, 20.0), timeout=3.0
        )
        bot = start(slack, db, port, stderr=subprocess.PIPE)
        reader = collect(bot.stderr, log)
        try:
            await wait_healthy(port)
            # The listeners first ask Slack about the channel and are told to wait two
            # seconds: the events are acknowledged and stored, their handling still to come.
            slack.rate_limit("conversations.info", times=EVENTS, retry_after=2)
            posts = [
                asyncio.create_task(slack.post_message("U1", "C1", f"<https://f.example/{i}>"))
                for i in range(EVENTS)
            ]
            await asyncio.gather(*posts)
            async with asyncio.timeout(10):
                while sum(d.acked for d in slack.deliveries) < EVENTS:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            set_file_limit(bot.pid, 0)  # the disk is full
            body = await until_health(port, 503)
            assert "disk I/O error" in str(body["reason"])
            pending, failed = inbox_rows(db)
            assert pending == EVENTS  # acknowledged, kept, not given up on
            assert failed == 0

            # A new event is refused while the store cannot write; Slack will send it again.
            late = asyncio.create_task(slack.post_message("U2", "C1", "<https://f.example/late>"))
            async with asyncio.timeout(10):
                while len(slack.deliveries) <= EVENTS or not slack.deliveries[EVENTS].statuses:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            assert slack.deliveries[EVENTS].statuses[0] == 503

            set_file_limit(bot.pid, resource.RLIM_INFINITY)  # space comes back
            await late
            await slack.wait_idle(timeout=40)
            await wait_handled(db)
            assert (await health(port))[0] == 200
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=10)
            reader.join(timeout=5)
    conn = sqlite3.connect(db)
    urls = {row[0] for row in conn.execute("SELECT url FROM items")}
    failed_rows = conn.execute("SELECT count(*) FROM inbox WHERE error IS NOT NULL").fetchone()
    conn.close()
    assert urls == {f"https://f.example/{i}" for i in range(EVENTS)} | {"https://f.example/late"}
    assert failed_rows[0] == 0
    assert all(d.acked for d in slack.deliveries)  # every event got in, in the end
    text = "".join(log)
    assert "refusing new events (503, Slack retries them)" in text
    assert "the database can be written again" in text
