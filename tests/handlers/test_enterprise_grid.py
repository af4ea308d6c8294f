"""Enterprise Grid: colleagues from the organisation's other workspaces are insiders; `W…` user
ids are people like `U…` ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from localslack import LocalSlack
from tests.support.bot import Env, bot_config, populate, start_bot

ORG = "E0GRID"


@pytest.fixture(params=["http", "socket"])
async def grid(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """The small team in an Enterprise Grid org, with a colleague from the org's other
    workspace (W2) in #general beside the Slack Connect outsider (X1)."""
    mode = str(request.param)
    async with LocalSlack(enterprise_id=ORG) as slack:
        populate(slack)
        slack.add_user("W1", name="wu", team_id=slack.team_id)
        slack.add_user("W2", name="wen", team_id="T0SISTER", enterprise_id=ORG)
        slack.add_channel("CORG", name="org-wide", members=["U1", "W1", "W2", "X1"])
        config = bot_config(slack, tmp_path / "bot.db", mode)
        runner, store, port, inbox = await start_bot(slack, config, mode)
        try:
            yield Env(slack, store, config, mode, port, inbox)
        finally:
            await runner.cleanup()


async def test_a_colleague_of_another_workspace_is_an_insider(grid: Env) -> None:
    colleague = await grid.slack.post_message("W2", "CORG", "<https://sister.example/>")
    await grid.slack.post_message("X1", "CORG", "<https://vendor.example/>")
    await grid.slack.post_message("W1", "CORG", "<https://home.example/>")
    for voter in ("W2", "X1", "W1"):
        await grid.slack.add_reaction(voter, "CORG", colleague["ts"], "+1")
    items = {i["url"]: i for i in await grid.items()}
    assert set(items) == {"https://sister.example/", "https://home.example/"}
    assert items["https://sister.example/"]["votes"] == ["W1"]  # W2 shared it: no self-vote
    delivered = [d.payload for d in grid.slack.deliveries if d.type == "events_api"]
    assert {d["enterprise_id"] for d in delivered} == {ORG}
    assert next(d for d in delivered if d["event"].get("user") == "W2")["event"]["team"] == (
        "T0SISTER"
    )


def _cards(env: Env) -> list[dict[str, Any]]:
    return [
        m
        for m in env.slack.messages("CORG")
        if (m.get("metadata") or {}).get("event_type") == "serendip_question"
    ]


async def test_a_colleagues_reply_to_a_question_is_kept_an_outsiders_is_not(grid: Env) -> None:
    await grid.slack.slash_command("U1", "CORG", "/ask", "Who knows how the sister team deploys?")
    await grid.settle()
    [card] = _cards(grid)
    colleague = await grid.slack.post_message("W2", "CORG", "we ship on fridays", card["ts"])
    vendor = await grid.slack.post_message("X1", "CORG", "buy our deploy tool", card["ts"])
    await grid.settle()
    kept = await grid.store.reply_at(grid.team, "CORG", colleague["ts"])
    assert kept is not None
    assert kept.user == "W2"
    assert await grid.store.reply_at(grid.team, "CORG", vendor["ts"]) is None


async def test_a_colleagues_message_may_be_bookmarked_and_saved(grid: Env) -> None:
    """Neither message shares a link, so neither was captured: saving reads it from Slack."""
    colleague = await grid.slack.post_message("W2", "CORG", "the sister team's canary trick")
    vendor = await grid.slack.post_message("X1", "CORG", "the vendor's upsell trick")
    for msg in (colleague, vendor):
        await grid.slack.add_reaction("U1", "CORG", msg["ts"], "bookmark")
    await grid.settle()
    marks = await grid.store.bookmarks(grid.team, "U1")
    assert [(m.author, m.text) for m in marks] == [("W2", "the sister team's canary trick")]
    await grid.slack.message_shortcut("U1", "CORG", vendor["ts"], "save_to_serendip")
    await grid.settle()
    assert "can't be saved" in grid.slack.responses[-1]["text"]
    await grid.slack.message_shortcut("U1", "CORG", colleague["ts"], "save_to_serendip")
    await grid.settle()
    assert "I asked wen" in grid.slack.responses[-1]["text"]
    [ask] = [m for m in grid.slack.messages(grid.slack.dm_channel("W2")) if m.get("bot_id")]
    value = ask["blocks"][1]["elements"][0]["value"]
    await grid.slack.block_action(
        "W2",
        "save_request_share",
        value,
        channel=grid.slack.dm_channel("W2"),
        message_ts=ask["ts"],
    )
    await grid.settle()
    [item] = await grid.items()
    assert item["kind"] == "learning"
    assert item["shares"][0]["user"] == "W2"
    assert item["votes"] == ["U1"]
