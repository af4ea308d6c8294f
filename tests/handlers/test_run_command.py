"""`serendip run` as people start it: Socket Mode when SLACK_APP_TOKEN is set, a clean stop."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from localslack import LocalSlack
from tests.support.bot import populate
from tests.support.processes import free_port, start, wait_handled, wait_healthy


async def test_socket_mode_run_captures_and_stops_cleanly(tmp_path: Path) -> None:
    db, port = tmp_path / "socket.db", free_port()
    async with LocalSlack() as slack:
        populate(slack)
        slack.deliver_socket(ack_timeout=3.0)
        bot = start(slack, db, port, socket_mode=True)
        try:
            await wait_healthy(port)
            await slack.wait_connected()
            await slack.post_message("U1", "C1", "socket <https://socket.example/>")
            await wait_handled(db)
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=15) == 0
    assert slack.calls_of("apps.connections.open")
    conn = sqlite3.connect(db)
    assert [row[0] for row in conn.execute("SELECT url FROM items")] == ["https://socket.example/"]
    conn.close()
