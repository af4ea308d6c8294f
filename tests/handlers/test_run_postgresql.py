"""`serendip migrate` then `serendip run` on a fresh PostgreSQL database, as people start it:
every store area has its PostgreSQL twin, so the bot serves, captures and stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import psycopg

from localslack import LocalSlack
from tests.support.bot import populate
from tests.support.environment import child_env
from tests.support.processes import free_port, start, wait_healthy


async def wait_items(url: str, count: int) -> list[str]:
    """The items' URLs once `count` are stored (the bot captures in its own process)."""
    for _ in range(400):
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT url FROM items ORDER BY url").fetchall()
        if len(rows) >= count:
            return [str(row[0]) for row in rows]
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not capture the links")


def cli(args: list[str], where: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`serendip <args>` as a child process with these settings."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=child_env(**env),
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_migrate_then_run_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    migrate = await asyncio.to_thread(cli, ["migrate"], tmp_path, SERENDIP_DB=pg_url)
    assert migrate.returncode == 0, migrate.stderr
    assert "from schema version 0 to" in migrate.stdout
    port = free_port()
    async with LocalSlack() as slack:
        populate(slack)
        slack.deliver_http(f"http://127.0.0.1:{port}/slack/events", timeout=5.0)
        log = (tmp_path / "bot.log").open("wb")
        settings = {"SERENDIP_DB": pg_url}
        bot = start(slack, tmp_path / "unused.db", port, settings=settings, stderr=log)
        try:
            await wait_healthy(port)
            await slack.post_message("U1", "C1", "pg <https://pg.example/a> and 'quotes' %")
            await slack.post_message("U2", "C1", "again <https://pg.example/a>")
            await slack.post_message("U2", "C1", "TIL café ünïcode <https://pg.example/b>")
            await slack.wait_idle(timeout=30)
            urls = await wait_items(pg_url, 2)
        finally:
            bot.send_signal(signal.SIGTERM)
            code = bot.wait(timeout=20)
            log.close()
        slack_env = {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": slack.signing_secret,
            "SLACK_API_URL": slack.api_url,
        }
        send = ["digest", "send", "--now"]  # in a thread: the local Slack answers on this loop
        sent = await asyncio.to_thread(cli, send, tmp_path, SERENDIP_DB=pg_url, **slack_env)
        assert sent.returncode == 0, sent.stderr
        digests = [
            m
            for m in slack.messages("C1")
            if (m.get("metadata") or {}).get("event_type") == "serendip_digest"
        ]
    assert code == 0
    assert "Traceback" not in (tmp_path / "bot.log").read_text()
    assert sent.stdout.startswith("planned "), sent.stdout
    assert "sent 0" not in sent.stdout, sent.stdout
    assert len(digests) == 1  # the channel's digest, with what was shared there
    assert "https://pg.example/a" in str(digests[0]["blocks"])
    assert urls == ["https://pg.example/a", "https://pg.example/b"]
    assert not (tmp_path / "unused.db").exists()  # nothing went to SQLite
