"""The doors people open through Slack keep each workspace apart (issue 17, item 2): the bot
installed by OAuth in two workspaces whose people and channel have the same ids and names, and
who share the same URL; Home (with its welcome and learning network), `/ask`'s suggestions and
experts, and "Delete my data" each act in the asker's workspace alone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from localslack.server import LocalSlack
from localslack.tenants import Tenant
from tests.bot.test_many_workspaces import _install_all
from tests.support.bot import Env
from tests.support.home import texts
from tests.support.oauth import oauth_bot

Space = LocalSlack | Tenant
URL = "https://shared.example/kafka-guide"
QUESTION = "Who can explain kafka partition storms?"
THEIRS = ("two-only", "two.example", "nine-two")  # what only workspace T2 holds


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[tuple[Env, Tenant, dict[str, str]]]:
    """The bot in the local Slack's first workspace and in T2 (ana, bo, cy and #general by
    the same ids and names; nine only in T2), each with its shares; the tokens by team."""
    async with oauth_bot(tmp_path) as (env, _browser):
        slack = env.slack
        other = slack.add_workspace("T2", name="Two")
        for uid, name in (("U1", "ana"), ("U2", "bo"), ("U3", "cy"), ("U9", "nine-two")):
            other.add_user(uid, name=name)
        other.add_channel("C1", name="general", members=["U1", "U2", "U3", "U9"], bot_member=True)
        tokens = await _install_all(env, _browser, [slack.team_id, "T2"])
        await shares(env, slack, "one", ["U3"])
        await slack.post_message("U1", "C1", "TIL walruses sleep standing one-only")
        await shares(env, other, "two", ["U1", "U3"])
        for n in range(3):  # T2's kafka expert, whom T1's questions must never reach
            said = await other.post_message("U9", "C1", f"TIL kafka partition storms {n} two-only")
            await other.add_reaction("U1", "C1", str(said["ts"]), "+1")
        await env.settle()
        yield env, other, tokens


async def shares(env: Env, space: Space, tag: str, voters: list[str]) -> None:
    """bo's learning with the common URL, found useful by `voters`."""
    text = (
        f"TIL kafka consumer groups rebalance on join {tag}-only <{URL}> <https://{tag}.example/>"
    )
    said = await space.post_message("U2", "C1", text)
    for voter in voters:
        await space.add_reaction(voter, "C1", str(said["ts"]), "+1")
    await env.settle()


def mine(env: Env, space: Space, token: str, method: str) -> list[dict[str, Any]]:
    """The arguments of the bot's calls of `method` with one workspace's token."""
    return [c.args for c in env.slack.calls_of(method) if c.token == token]


async def open_home(env: Env, space: Space, user: str) -> str:
    await space.open_home(user)
    await env.settle()
    view = space.home_views.get(user)
    assert view is not None
    return texts(view["blocks"])


async def test_home_shows_one_workspace_only(two: tuple[Env, Tenant, dict[str, str]]) -> None:
    """The welcome's digest preview, top items, votes and learning network of ana (U1 in both)."""
    env, other, _ = two
    first = await open_home(env, env.slack, "U1")
    assert "one-only" in first
    assert [m for m in THEIRS if m in first] == []
    assert "*Whose shares you found useful:* nobody yet" in first  # she voted only in T2
    again = await open_home(env, env.slack, "U1")  # past the welcome: the plain Home
    assert "one-only" in again
    assert [m for m in THEIRS if m in again] == []
    theirs = await open_home(env, other, "U1")
    assert "two-only" in theirs
    assert "*Whose shares you found useful:* nine-two (3), bo (1)" in theirs
    assert "one-only" not in theirs


async def ask(env: Env, space: Space, user: str, text: str) -> str:
    """/ask in a workspace: what the bot answered there."""
    ack = await space.slash_command(user, "C1", "/ask", text)
    assert ack.status == 200
    await env.settle()
    if ack.body and ack.body.get("text"):
        return json.dumps(ack.body)
    answers = [r for r in env.slack.responses if f"/response/{space.team_id}/" in r["_url"]]
    assert answers, "no answer to /ask"
    return json.dumps(answers[-1])


def routed(env: Env, token: str) -> list[str]:
    """Whom a workspace's token sent a question to."""
    dms = mine(env, env.slack, token, "chat.postMessage")
    return sorted(str(a["channel"]) for a in dms if "may know about" in str(a.get("text")))


async def test_ask_suggests_and_routes_within_the_askers_workspace(
    two: tuple[Env, Tenant, dict[str, str]],
) -> None:
    """T2 has what answers the question and the better expert; T1's asker gets neither."""
    env, other, tokens = two
    answer = await ask(env, env.slack, "U1", QUESTION)
    assert "Posted your question" in answer  # nothing of T1 answers it: no suggestion
    assert [m for m in THEIRS if m in answer] == []
    assert routed(env, tokens[env.slack.team_id]) == ["U2", "U3"]  # bo shared, cy voted
    assert routed(env, tokens["T2"]) == []
    answer = await ask(env, other, "U2", QUESTION)
    assert "Maybe this answers it" in answer  # T2's own items answer there
    assert "two-only" in answer


async def forget_me(env: Env, door: str) -> None:
    """ana asks to be forgotten in the first workspace, by Home's button or the command."""
    slack = env.slack
    if door == "home":
        await slack.block_action("U1", "home_forget", "forget", container_type="view")
        await env.settle()
        ack = await slack.view_submission("U1", "forget_me_modal", {})
    else:
        await slack.slash_command("U1", "C1", "/serendip", "forget-me")
        ack = await slack.block_action(
            "U1", "forget_me_confirm", "confirm", channel="C1", container_type="ephemeral"
        )
    assert ack.status == 200
    await env.settle()


@pytest.mark.parametrize("door", ["home", "command"])
async def test_delete_my_data_in_one_workspace_keeps_the_same_person_elsewhere(
    two: tuple[Env, Tenant, dict[str, str]], door: str
) -> None:
    """ana (U1 in both) deletes her data in T1: T2's ana keeps her votes, her settings, and
    T2's messages and posts are not touched."""
    env, other, tokens = two
    store, team = env.store, env.slack.team_id
    before = await store.export_items("T2")
    counts = await store.person_counts("T2", "U1")
    assert counts.votes == 4
    assert (await store.person_counts(team, "U1")).shares == 1
    await forget_me(env, door)
    assert await store.opted_out(team, "U1")
    assert (await store.person_counts(team, "U1")).shares == 0
    assert await store.export_items("T2") == before
    assert await store.person_counts("T2", "U1") == counts
    assert not await store.opted_out("T2", "U1")
    assert await store.user("T2", "U1") is not None
    for method in ("chat.delete", "chat.update"):
        assert mine(env, other, tokens["T2"], method) == []
    assert "two-only" in await open_home(env, other, "U1")
