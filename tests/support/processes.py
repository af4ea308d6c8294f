"""The bot as a child process (`python -m bot run`), as people start it, and waiting on it."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

from localslack import LocalSlack
from tests.support.environment import child_env


def free_port() -> int:
    """A port free on 127.0.0.1 now, for a child process to listen on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    slack: LocalSlack, db: Path, port: int, socket_mode: bool = False, **popen: Any
) -> subprocess.Popen[bytes]:
    """`python -m bot run` against the local Slack, in HTTP mode unless asked otherwise;
    `popen` goes to subprocess.Popen (stderr, preexec_fn, ...)."""
    env = child_env(
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url,
        SERENDIP_DB=str(db),
        SERENDIP_FETCH_LINKS="off",
        SERENDIP_LOG_LEVEL="WARNING",
    )
    if socket_mode:
        env["SLACK_APP_TOKEN"] = slack.app_token
    command = [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)]
    command += [] if socket_mode else ["--http"]
    return subprocess.Popen(command, env=env, cwd=db.parent, **popen)


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
