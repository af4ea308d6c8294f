"""Two workspaces of one Enterprise Grid organisation, installed once for the whole org (issue
17, item 2): the same `W…` people are members of both, yet what each workspace captured stays
in it: Home shows a person that workspace's items, and `/ask` routes to the experts of the
workspace asked in, never to one whose knowledge was shared in the other."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localslack.server import LocalSlack
from localslack.tenants import Tenant
from tests.bot.test_isolation_slack import ask
from tests.support.bot import Env
from tests.support.home import texts
from tests.support.oauth import oauth_bot

PEOPLE = (("W1", "wu"), ("W2", "wen"), ("W3", "wim"))
Grid = tuple[Env, Tenant, Tenant]


@pytest.fixture
async def grid(tmp_path: Path) -> AsyncIterator[Grid]:
    """T3 and T4 of org E1, each with wu, wen and wim and a #general (C1); wu shared about
    kafka in T3, wim in T4; wen found each useful."""
    async with oauth_bot(tmp_path) as (env, browser):
        slack = env.slack
        three = slack.add_workspace("T3", name="Three", enterprise_id="E1")
        four = slack.add_workspace("T4", name="Four", enterprise_id="E1")
        for space in (three, four):
            for uid, name in PEOPLE:
                space.add_user(uid, name=name)
            space.add_channel("C1", name="general", members=[u for u, _ in PEOPLE], bot_member=True)
        slack.oauth.next_team, slack.oauth.org_wide = "T3", True
        status, body = await browser.install()
        assert status == 200, body
        for space, expert, tag in ((three, "W1", "three"), (four, "W3", "four")):
            text = (
                f"TIL kafka consumer groups rebalance on join {tag}-only <https://{tag}.example/>"
            )
            said = await space.post_message(expert, "C1", text)
            await space.add_reaction("W2", "C1", str(said["ts"]), "+1")
        await env.settle()
        yield env, three, four


def routed(env: Env, marker: str) -> list[str]:
    """Whom the bot sent the question holding `marker` to."""
    return sorted(
        str(c.args["channel"])
        for c in env.slack.calls_of("chat.postMessage")
        if "may know about" in str(c.args.get("text")) and marker in str(c.args)
    )


async def test_ask_routes_to_the_experts_of_the_workspace_asked_in(grid: Grid) -> None:
    """wu knows kafka in T3 and is a member of T4 too: T4's question goes to wim alone."""
    env, three, four = grid
    answer = await ask(env, four, "W2", "Who can explain kafka partition storms? asked-in-four")
    assert "Posted your question" in answer
    assert "three-only" not in answer
    assert routed(env, "asked-in-four") == ["W3"]
    await ask(env, three, "W2", "Who can explain kafka partition storms? asked-in-three")
    assert routed(env, "asked-in-three") == ["W1"]


async def open_home(env: Env, space: LocalSlack | Tenant, user: str) -> str:
    """What the bot published as a person's Home when they opened it in a workspace (read
    from the call: the local Slack keeps an org-wide token's Home in the org's first)."""
    await space.open_home(user)
    await env.settle()
    view = env.slack.calls_of("views.publish")[-1].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    return texts(view["blocks"])


async def test_home_of_one_person_differs_by_workspace(grid: Grid) -> None:
    """wen's Home in each workspace: that workspace's items, votes and network only."""
    env, three, four = grid
    in_three = await open_home(env, three, "W2")
    in_four = await open_home(env, four, "W2")
    assert "three-only" in in_three
    assert "four-only" not in in_three
    assert "four-only" in in_four
    assert "three-only" not in in_four
    assert "*Whose shares you found useful:* wu (" in in_three
    assert "*Whose shares you found useful:* wim (" in in_four
