"""The same conversation, captured live by the bot and imported from the export Slack would
make of it, ends as the same items, shares and votes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localslack import LocalSlack
from tests.support.bot import Env, running_bot
from tests.support.exports import export_of, exported, run_import, without_ids


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Env]:
    """The bot in HTTP mode against the local Slack of tests/handlers."""
    async with running_bot(tmp_path / "live.db", "http") as running:
        yield running


async def converse(slack: LocalSlack) -> None:
    """Links, a learning, a thread reply, votes, a flag, a bookmark, an edit, an unfurl, and
    what is never captured."""
    shared = await slack.post_message("U1", "C1", "read <https://Example.com/a?utm_source=x|this>")
    til = await slack.post_message("U2", "C2", "TIL <https://b.example/> is handy")
    await slack.post_message("U1", "C1", "!nda <https://nda.example/>")
    await slack.post_message("X1", "C1", "from outside <https://vendor.example/>")
    await slack.post_message("U1", "G1", "private <https://private.example/>")
    await slack.post_message("U2", "C1", "reply <https://reply.example/>", thread_ts=shared["ts"])
    for user, emoji in (("U2", "+1"), ("U3", "+1::skin-tone-2"), ("U1", "+1"), ("U3", "eyes")):
        await slack.add_reaction(user, "C1", shared["ts"], emoji)
    await slack.add_reaction("U1", "C2", til["ts"], "triangular_flag_on_post")
    plain = await slack.post_message("U2", "C2", "plain words worth keeping")
    await slack.add_reaction("U1", "C2", plain["ts"], "bookmark")
    first = await slack.post_message("U1", "C1", "first <https://first.example/>")
    await slack.edit_message("C1", first["ts"], "changed <https://second.example/>")
    unfurl = {
        "from_url": "https://example.com/a",
        "original_url": "https://example.com/a",
        "title": "A page",
        "text": "About it",
        "service_name": "Example",
    }
    await slack.unfurl("C1", shared["ts"], attachments=[unfurl])


async def test_live_capture_and_import_agree(live: Env, tmp_path: Path) -> None:
    await converse(live.slack)
    captured = await live.items()
    export = export_of(live.slack, tmp_path / "export")
    db = tmp_path / "imported.db"
    summary = await asyncio.to_thread(run_import, db, export)
    assert summary.team_id == live.team
    assert not summary.malformed
    imported = await asyncio.to_thread(exported, db)
    assert len(captured) == 4  # example.com/a, the learning carrying b.example, reply, second
    # Topics rank against the workspace's document frequencies at the time: not compared.
    assert without_ids(imported, ("id", "topics")) == without_ids(captured, ("id", "topics"))
