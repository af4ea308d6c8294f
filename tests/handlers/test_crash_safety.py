"""A bot killed with SIGKILL while events stream in loses nothing it acknowledged, and the
restart plus Slack's retries of the rest produce no duplicates."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp

from localslack import LocalSlack
from tests.handlers.conftest import populate

EVENTS = 400


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    slack: LocalSlack, db: Path, port: int, socket_mode: bool = False
) -> subprocess.Popen[bytes]:
    """`python -m bot run` against the local Slack, in HTTP mode unless asked otherwise."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "SERENDIP_DB": str(db),
        "SERENDIP_FETCH_LINKS": "off",
        "SERENDIP_LOG_LEVEL": "WARNING",
    }
    env.pop("SLACK_APP_TOKEN", None)
    if socket_mode:
        env["SLACK_APP_TOKEN"] = slack.app_token
    command = [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)]
    command += [] if socket_mode else ["--http"]
    return subprocess.Popen(command, env=env, cwd=db.parent)


async def wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("bot did not start")


async def wait_handled(db: Path) -> None:
    """Until the restarted bot has handled every stored event."""
    for _ in range(600):
        conn = sqlite3.connect(db)
        left = conn.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]
        conn.close()
        if left == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the restarted bot did not handle every stored event")


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
        while sum(d.acked for d in slack.deliveries) < EVENTS // 3:
            await asyncio.sleep(0.01)
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        acked_before = {d.event_id for d in slack.deliveries if d.acked}
        conn = sqlite3.connect(db)
        stored = {row[0] for row in conn.execute("SELECT event_id FROM inbox")}
        handled = conn.execute("SELECT count(*) FROM inbox WHERE done_at IS NOT NULL").fetchone()
        conn.close()
        assert acked_before and acked_before <= stored  # every acknowledged event is on disk
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
