"""A bot killed with SIGKILL while events stream in loses nothing it acknowledged, and the
restart plus Slack's retries of the rest produce no duplicates."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from localslack import LocalSlack
from tests.support.bot import populate
from tests.support.processes import free_port, start, wait_handled, wait_healthy

EVENTS = 400


async def test_sigkill_mid_stream(tmp_path: Path) -> None:
    db, port = tmp_path / "crash.db", free_port()
    async with LocalSlack() as slack:
        populate(slack)
        slack.deliver_http(
            f"http://127.0.0.1:{port}/slack/events", retry_delays=(0.5, 2.0, 6.0), timeout=3.0
        )
        bot = start(slack, db, port)
        await wait_healthy(port)
        posts = [
            asyncio.create_task(slack.post_message("U1", "C1", f"<https://k.example/{i}>"))
            for i in range(EVENTS)
        ]
        # The child process acknowledges; the local Slack only records it, so it is polled.
        while sum(d.acked for d in slack.deliveries) < EVENTS // 3:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        acked_before = {d.event_id for d in slack.deliveries if d.acked}
        conn = sqlite3.connect(db)
        stored = {row[0] for row in conn.execute("SELECT event_id FROM inbox")}
        handled = conn.execute("SELECT count(*) FROM inbox WHERE done_at IS NOT NULL").fetchone()
        conn.close()
        assert acked_before
        assert acked_before <= stored
        assert handled[0] < EVENTS  # killed mid-stream, with work left for the restart
        bot = start(slack, db, port)
        try:
            await wait_healthy(port)
            await asyncio.gather(*posts)
            await slack.wait_idle(timeout=30)
            await wait_handled(db)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=10)
    conn = sqlite3.connect(db)
    urls = [row[0] for row in conn.execute("SELECT url FROM items")]
    shares = conn.execute("SELECT count(*) FROM shares").fetchone()[0]
    conn.close()
    assert sorted(urls) == sorted(f"https://k.example/{i}" for i in range(EVENTS))
    assert shares == EVENTS
