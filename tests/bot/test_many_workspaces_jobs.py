"""The scheduled jobs and the CLI in a deployment installed by OAuth into several workspaces:
each workspace's digests, people and re-routed questions go through that workspace's own
token (refreshed first when it rotates), never another's; a workspace that left gets nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.digest import digest_send
from bot.workspace_clients import WorkspaceClients, make_pacers
from jobs.digests import run_digests
from jobs.people_sync import refresh_workspaces
from jobs.pulse import LearningPulse
from localslack.tenants import Tenant
from tests.support.bot import Env
from tests.support.oauth import Browser, Shared, Space, oauth_bot, three_workspaces


async def _install(env: Env, browser: Browser, teams: list[str]) -> None:
    """Install through the OAuth flow into each workspace in turn."""
    for team in teams:
        env.slack.oauth.next_team = team
        status, body = await browser.install()
        assert status == 200, body


async def _token(env: Env, team: str) -> str:
    found = await env.store.installation_for_team(team)
    assert found is not None
    return found.bot_token


def _clients(env: Env) -> WorkspaceClients:
    return WorkspaceClients(env.store, env.config, make_pacers(env.store, env.config))


def _digest(space: Space, channel: str) -> str:
    """The text and blocks of the latest digest in a workspace's channel."""
    found = [
        m
        for m in space.messages(channel)
        if (m.get("metadata") or {}).get("event_type") == "serendip_digest"
    ]
    assert found, f"no digest in {channel}"
    return str(found[-1].get("blocks")) + str(found[-1].get("text"))


async def _three(env: Env, browser: Browser) -> list[Shared]:
    """Three workspaces (one in a Grid org), each with a link shared in its channel."""
    spaces = three_workspaces(env.slack)
    await _install(env, browser, [env.slack.team_id, "T2", "T3"])
    await asyncio.gather(
        *(s.post_message(u, c, f"kafka reading <{url}>") for s, u, c, url in spaces)
    )
    await env.settle()
    return spaces


async def test_each_workspaces_digest_goes_with_its_own_token_and_holds_its_own_links(
    tmp_path: Path,
) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        spaces = await _three(env, browser)
        clients = _clients(env)
        assert await refresh_workspaces(env.store, clients) > 0
        lists = [c for c in env.slack.calls if c.method == "users.list"]
        assert {c.token for c in lists} == {await _token(env, s.team_id) for s, *_ in spaces}
        before = len(env.slack.calls)
        await run_digests(env.store, clients, env.config, datetime.now(UTC), now_mode=True)
        for space, _, channel, url in spaces:
            digest = _digest(space, channel)
            assert url in digest
            assert not [u for s, _, _, u in spaces if s is not space and u in digest]
            posts = [
                c
                for c in env.slack.calls[before:]
                if c.method == "chat.postMessage" and c.args.get("channel") == channel
            ]
            assert posts, f"no digest posted in {channel}"
            assert {c.token for c in posts} == {await _token(env, space.team_id)}


async def test_a_workspace_that_left_gets_no_digest_and_the_others_do(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        spaces = await _three(env, browser)
        two = spaces[1][0]
        assert isinstance(two, Tenant)
        await two.uninstall()
        await env.settle()
        assert await _clients(env)("T2") is None
        await run_digests(env.store, _clients(env), env.config, datetime.now(UTC), now_mode=True)
        assert _digest(env.slack, "C1")
        assert _digest(spaces[2][0], "C31")
        assert not [m for m in two.messages("C21") if m.get("bot_id")]


async def test_a_rotating_token_is_refreshed_before_the_job_posts(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path, rotation=True) as (env, browser):
        env.slack.oauth.expires_in = 60  # within the refresh margin from the start
        await _install(env, browser, [env.slack.team_id])
        await env.slack.post_message("U1", "C1", "kafka reading <https://one.example/kafka>")
        await env.settle()
        first = await _token(env, env.slack.team_id)  # as the listeners last left it
        await run_digests(env.store, _clients(env), env.config, datetime.now(UTC), now_mode=True)
        fresh = await _token(env, env.slack.team_id)
        assert fresh != first  # refreshed, and the new token kept for the listeners too
        posts = [c for c in env.slack.calls if c.method == "chat.postMessage"]
        assert posts
        assert posts[-1].token == fresh
        assert _digest(env.slack, "C1")


async def test_digest_send_from_the_cli_reaches_every_installed_workspace(
    tmp_path: Path,
) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        spaces = await _three(env, browser)
        line = await digest_send(env.config, env.config.db_path, now_mode=True, force=False)
        assert "sent" in line
        for space, _, channel, url in spaces:
            assert url in _digest(space, channel)
            mine = [c for c in env.slack.calls if c.args.get("channel") == channel]
            assert {c.token for c in mine if c.method == "chat.postMessage"} == {
                await _token(env, space.team_id)
            }


async def test_the_pulse_goes_where_each_workspace_chose_with_its_own_token(
    tmp_path: Path,
) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        spaces = await _three(env, browser)
        # Only the second workspace chose a report channel (its admins, in Home).
        await env.store.change_team_settings("T2", {"report_channel": "C21"})
        monday = datetime(2026, 9, 21, 14, 13, tzinfo=UTC)  # after the digests' Monday 09:00
        pulse = LearningPulse(env.store, _clients(env), env.config)
        assert await pulse.tick(monday) == ["2026-W39"]
        two = spaces[1][0]
        [shared] = [m for m in two.messages("C21") if m.get("files")]
        assert "Learning pulse 2026-W39" in str(shared["files"])
        uploads = [c for c in env.slack.calls if c.method.startswith("files.")]
        assert uploads
        assert {c.token for c in uploads} == {await _token(env, "T2")}
        for space, _, channel, _ in (spaces[0], spaces[2]):
            assert not [m for m in space.messages(channel) if m.get("files")]
        assert await pulse.tick(monday) == []  # once a week
