"""One deployment, three workspaces (one in an Enterprise Grid org), each installed through
the OAuth flow on one local Slack: what each shares stays in its own workspace, and the bot
answers each with that workspace's own token."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.bot import Env
from tests.support.find import result_texts
from tests.support.oauth import Browser, Space, oauth_bot, person_in, three_workspaces


async def _install_all(env: Env, browser: Browser, teams: list[str]) -> dict[str, str]:
    """Install through the flow into each workspace in turn: team id -> its stored token."""
    tokens: dict[str, str] = {}
    for team in teams:
        env.slack.oauth.next_team = team
        status, body = await browser.install()
        assert status == 200, body
        enterprise = env.slack.workspaces[team].ident.enterprise_id or ""
        found = await env.store.find_installation(enterprise, team)
        assert found is not None
        tokens[team] = found.bot_token
    return tokens


async def _find(env: Env, space: Space, user: str, channel: str, query: str) -> list[str]:
    """Run /find in a workspace: the result texts the bot answered there."""
    ack = await space.slash_command(user, channel, "/find", query)
    assert ack.status == 200
    await env.settle()
    mine = [r for r in env.slack.responses if f"/response/{space.team_id}/" in r["_url"]]
    assert mine, "the bot answered nothing through this workspace's response_url"
    return result_texts(mine[-1])


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_three_workspaces_share_links_at_once_and_keep_them_apart(
    tmp_path: Path, mode: str
) -> None:
    async with oauth_bot(tmp_path, mode=mode) as (env, browser):
        slack = env.slack
        spaces = three_workspaces(slack)
        tokens = await _install_all(env, browser, [slack.team_id, "T2", "T3"])
        assert len(set(tokens.values())) == 3
        await asyncio.gather(
            *(s.post_message(u, c, f"kafka reading <{url}>") for s, u, c, url in spaces)
        )
        await env.settle()
        for space, _, _, url in spaces:
            items = await env.store.export_items(space.team_id)
            assert [i["url"] for i in items] == [url]
        assert await env.store.failed_events() == []
        for space, user, channel, url in spaces:
            found = " ".join(await _find(env, space, user, channel, "kafka"))
            assert url in found
            others = [u for s, _, _, u in spaces if s is not space]
            assert not [u for u in others if u in found]
        await asyncio.gather(*(s.dm_bot(u, "hello?") for s, u, _, _ in spaces))
        await env.settle()
        for space, user, channel, _ in spaces:
            dm = space.dm_channel(user)
            used = {c.token for c in slack.calls if c.args.get("channel") in (channel, dm)}
            assert used == {tokens[space.team_id]}
            replies = [m for m in space.messages(dm) if m.get("bot_id")]
            assert [m["user"] for m in replies] == [space.bot_user_id]


async def test_uninstalling_one_workspace_leaves_the_others_going(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        slack = env.slack
        two = slack.add_workspace("T2", name="Two")
        person_in(two, "U21", "C21")
        tokens = await _install_all(env, browser, [slack.team_id, "T2"])
        await two.uninstall()
        await env.settle()
        before = len(slack.calls)
        await asyncio.gather(
            slack.post_message("U1", "C1", "<https://one.example/after>"),
            two.post_message("U21", "C21", "<https://two.example/after>"),
        )
        await env.settle()
        kept = await env.store.export_items(slack.team_id)
        assert [i["url"] for i in kept] == ["https://one.example/after"]
        assert await env.store.export_items("T2") == []  # Slack no longer tells the bot
        assert {c.token for c in slack.calls[before:]} == {tokens[slack.team_id]}
        await slack.dm_bot("U1", "still there?")
        await env.settle()
        assert [m["user"] for m in slack.messages("U1") if m.get("bot_id")] == [slack.bot_user_id]


async def test_an_org_wide_install_serves_both_workspaces_of_the_org(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        slack = env.slack
        three = slack.add_workspace("T3", name="Three", enterprise_id="E1")
        four = slack.add_workspace("T4", name="Four", enterprise_id="E1")
        person_in(three, "W31", "C31")
        person_in(four, "W41", "C41")
        slack.oauth.next_team, slack.oauth.org_wide = "T3", True
        status, body = await browser.install()
        assert status == 200, body
        org = await env.store.find_installation("E1", "")
        assert org is not None
        assert org.is_enterprise_install
        await asyncio.gather(
            three.post_message("W31", "C31", "<https://three.example/a>"),
            four.post_message("W41", "C41", "<https://four.example/b>"),
        )
        await env.settle()
        assert await env.store.failed_events() == []
        assert [i["url"] for i in await env.store.export_items("T3")] == ["https://three.example/a"]
        assert [i["url"] for i in await env.store.export_items("T4")] == ["https://four.example/b"]
        assert {c.token for c in slack.calls if c.token and c.token.startswith("xoxb-T")} == {
            org.bot_token
        }
        slack.org_share("C31", three, four)
        await four.user_joins("W41", "C31")
        await four.post_message("W41", "C31", "<https://shared.example/c>")
        await env.settle()
        shared = [
            (team, i["url"])
            for team in ("T3", "T4")
            for i in await env.store.export_items(team)
            if "shared" in i["url"]
        ]
        # Once, under the installation that sees it: the bot is in #C31 through Three only.
        assert shared == [("T3", "https://shared.example/c")]
