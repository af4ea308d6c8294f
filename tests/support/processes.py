"""The bot as a child process (`python -m bot run`), as people start it, and waiting on it."""

from __future__ import annotations

import asyncio
import resource
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import aiohttp

from localslack import LocalSlack
from tests.support.environment import child_env


def free_port() -> int:
    """A port free on 127.0.0.1 now, for a child process to listen on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def open_files_limit(limit: int) -> Callable[[], None]:
    """A `preexec_fn` giving the child at most `limit` open files (as a small server has)."""

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    return lower


def start(
    slack: LocalSlack,
    db: Path,
    port: int,
    socket_mode: bool = False,
    settings: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    stderr: IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """`python -m bot run` against the local Slack, in HTTP mode unless asked otherwise;
    `settings` add to (or override) the usual ones, `stderr` takes its log."""
    env = child_env(
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url,
        SERENDIP_DB=str(db),
        SERENDIP_FETCH_LINKS="off",
        SERENDIP_LOG_LEVEL="WARNING",
    )
    env.update(settings or {})
    if socket_mode:
        env["SLACK_APP_TOKEN"] = slack.app_token
    command = [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)]
    command += [] if socket_mode else ["--http"]
    return subprocess.Popen(command, env=env, cwd=db.parent, preexec_fn=preexec_fn, stderr=stderr)


async def wait_healthy(port: int, seconds: float = 10.0) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(int(seconds / 0.05)):
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
