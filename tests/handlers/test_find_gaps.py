"""Knowledge gaps come only from searches made in public channels: words searched in a private
channel, a DM or a group DM never reach `serendip stats`, the HTML report or the pulse."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from jobs.periods import Period
from jobs.pulse_text import pulse_text
from tests.support.bot import Env
from tests.support.find import find

PUBLIC, HUSHED, IN_DM, IN_GROUP_DM = "quokka", "zeppelin", "yodel", "walrus"


async def cli(
    env: Env, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """Run `serendip …` on the bot's database (in a thread: it runs its own event loop)."""
    monkeypatch.setenv("SERENDIP_DB", env.config.db_path)
    capsys.readouterr()
    assert await asyncio.to_thread(main, argv) == 0
    return capsys.readouterr().out


async def test_only_public_channel_searches_become_gaps(
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from elsewhere
    slack = env.slack
    slack.add_channel("C7", name="hush", is_private=True, members=["U1", "U2"])
    group_dm = slack.ws.mpim_with(["U1", "U2"]).id
    # Each twice, by two people: the pulse shows gaps searched at least twice.
    public: list[dict[str, Any]] = []
    private: list[dict[str, Any]] = []
    for user in ("U1", "U2"):
        public.append(await find(env, user, PUBLIC, "C1" if user == "U1" else "C2"))
        for words, channel in ((HUSHED, "C7"), (IN_DM, slack.dm_channel(user))):
            private.append(await find(env, user, words, channel))
        private.append(await find(env, user, IN_GROUP_DM, group_dm))

    stats = await cli(env, ["stats"], monkeypatch, capsys)
    html_file = tmp_path / "report.html"
    await cli(env, ["report", "--html", str(html_file)], monkeypatch, capsys)
    html = html_file.read_text()
    data = await env.store.report_data(env.team, time.time() + 1, 7, 15)
    end = datetime.now(UTC) + timedelta(seconds=1)
    pulse = pulse_text(data, Period(end - timedelta(days=7), end, "2026-W01"), UTC)
    for shown in (stats, html, pulse):
        assert PUBLIC in shown
        for words in (HUSHED, IN_DM, IN_GROUP_DM):
            assert words not in shown
    assert await env.store.knowledge_gaps(env.team, 0) == [(PUBLIC, 2)]
    # The answers say so: only the public search claims to be noted as a knowledge gap.
    assert all("knowledge gap" in said["text"] for said in public)
    assert all("Nothing the team shared" in said["text"] for said in private)
    assert not [said for said in private if "knowledge gap" in said["text"]]


async def test_an_opted_out_persons_search_leaves_no_gap(env: Env) -> None:
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    said = await find(env, "U1", PUBLIC)
    assert "Nothing the team shared" in said["text"]
    assert "knowledge gap" not in said["text"]
    assert await env.store.knowledge_gaps(env.team, 0) == []
