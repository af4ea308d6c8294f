"""Enterprise Grid: colleagues from the organisation's other workspaces are insiders; `W…` user
ids are people like `U…` ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

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
