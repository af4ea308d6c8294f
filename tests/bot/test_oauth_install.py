"""Installing by OAuth: the real bot, the local Slack's authorize page and oauth.v2.access.

The installer's browser and the bot installed by OAuth are in tests/support/oauth.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.oauth import a_dm_finds_no_installation, installed_token, oauth_bot


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_an_install_is_stored_and_the_workspace_answered_with_its_token(
    tmp_path: Path, mode: str
) -> None:
    async with oauth_bot(tmp_path, mode=mode) as (env, browser):
        status, body = await browser.install()
        assert status == 200
        assert "Thank you" in body
        found = await env.store.find_installation("", env.team)
        assert found is not None
        assert found.bot_token in env.slack.oauth.tokens
        assert found.bot_token != env.slack.bot_token
        assert found.bot_user_id == env.slack.bot_user_id
        assert found.bot_id == env.slack.bot_id  # from auth.test with the new token
        assert found.installer == "U1"
        assert "chat:write" in found.bot_scopes.split(",")
        asked = env.slack.oauth.authorize_requests[0]
        assert "commands" in asked["scope"].split(",")
        await env.slack.dm_bot("U1", "hello?")
        await env.settle()
        posts = env.slack.calls_of("chat.postMessage")
        assert len(posts) == 1
        assert posts[0].token == found.bot_token
        ack = await env.slack.slash_command("U1", "C1", "/serendip", "help")
        assert ack.status == 200
        assert "/serendip" in str(ack.body)  # answered: Bolt found the workspace's token
        assert await env.store.failed_events() == []


async def test_a_replayed_state_is_refused(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        status, _, back = await browser.get(await browser.start())
        cookie = browser.cookie
        assert (await browser.get(back))[0] == 200
        assert browser.cookie != cookie  # Bolt clears the state cookie once it is used
        await env.store.delete_installation("", env.team)
        browser.cookie = cookie  # replayed: the same redirect, state and cookie
        status, body, _ = await browser.get(back)
        assert status == 401
        assert "invalid_state" in body
        assert "already used or has expired" in body
        assert await installed_token(env.store, env.team) is None


async def test_a_forged_state_is_refused_with_or_without_its_cookie(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        await browser.start()  # a real state is issued, but the attacker does not know it
        for forged in ("made-up", "nonce.0123abcd"):
            browser.cookie = forged
            status, body, _ = await browser.get(
                f"{browser.bot}slack/oauth_redirect?code=whatever&state={forged}"
            )
            assert status == 401
            assert "invalid_state" in body
        browser.cookie = ""
        status, body, _ = await browser.get(f"{browser.bot}slack/oauth_redirect?code=x&state=y")
        assert status == 400  # no cookie: not the browser that started the install
        assert await installed_token(env.store, env.team) is None
        assert env.slack.calls_of("oauth.v2.access") == []  # no code was exchanged


async def test_an_expired_state_is_refused(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        url = await browser.start()
        state = re.search(r"state=([^&]+)", url)
        assert state is not None
        clock = env.store._clock
        env.store._clock = lambda: clock() + 601  # the installer took longer than 10 minutes
        status, _, back = await browser.get(url)
        status, body, _ = await browser.get(back)
        assert status == 401
        assert "invalid_state" in body
        assert await installed_token(env.store, env.team) is None


async def test_a_denied_install_shows_a_page_and_stores_nothing(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        env.slack.oauth.decision = "deny"
        status, body = await browser.install()
        assert status == 200
        assert "access_denied" in body
        assert "The install was cancelled in Slack: Serendip was not added." in body
        assert await installed_token(env.store, env.team) is None
        assert env.slack.calls_of("oauth.v2.access") == []


async def test_a_wrong_client_secret_fails_clearly_and_stores_nothing(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path, secret="not-the-client-secret") as (env, browser):
        status, body = await browser.install()
        assert status == 401
        assert "invalid_code" in body
        assert "client id or secret may be wrong" in body
        assert "not-the-client-secret" not in body
        exchanges = env.slack.calls_of("oauth.v2.access")
        assert [call.error for call in exchanges] == ["bad_client_secret"]
        assert await installed_token(env.store, env.team) is None


async def test_an_event_from_a_workspace_not_installed_is_kept_as_failed(
    tmp_path: Path,
) -> None:
    async with oauth_bot(tmp_path) as (env, _):
        await a_dm_finds_no_installation(env)
        await env.slack.slash_command("U1", "C1", "/serendip", "help")
        # Bolt tells the person through the command's response_url.
        assert "installation with this app is no longer available" in str(env.slack.responses)


@pytest.mark.parametrize("expires_in", [60])
async def test_an_expiring_token_is_refreshed_and_kept(tmp_path: Path, expires_in: int) -> None:
    async with oauth_bot(tmp_path, rotation=True) as (env, browser):
        env.slack.oauth.expires_in = expires_in  # within Bolt's 120 minutes: refreshed at once
        assert (await browser.install())[0] == 200
        first = await env.store.find_installation("", env.team)
        assert first is not None
        assert first.bot_refresh_token is not None
        assert first.bot_token.startswith("xoxe.xoxb-")
        env.slack.oauth.expires_in = 43200  # the refreshed token lasts: refreshed only once
        await env.slack.dm_bot("U1", "hello?")
        await env.settle()
        now = await env.store.find_installation("", env.team)
        assert now is not None
        assert now.bot_token != first.bot_token
        assert now.bot_refresh_token not in (None, first.bot_refresh_token)
        assert now == replace(
            first,
            bot_token=now.bot_token,
            bot_refresh_token=now.bot_refresh_token,
            bot_token_expires_at=now.bot_token_expires_at,
            installed_at=now.installed_at,
        )
        refreshes = [c for c in env.slack.calls_of("oauth.v2.access") if c.args.get("grant_type")]
        assert [c.args["grant_type"] for c in refreshes] == ["refresh_token"]
        posts = env.slack.calls_of("chat.postMessage")
        assert [p.token for p in posts] == [now.bot_token]
