"""Leaving by OAuth (issue 17, item 5), against the real bot and the local Slack's install flow:
an uninstall or a revoked bot token stops the workspace's token at once; the purge after the
grace period takes the workspace's data and installation; a reinstall within it keeps both."""

from __future__ import annotations

import time
from pathlib import Path

from jobs.housekeeping import run_housekeeping
from tests.support.bot import Env
from tests.support.oauth import (
    Browser,
    a_dm_finds_no_installation,
    installed_token,
    oauth_bot,
)

DAY = 86400.0


async def install_share_and_leave(env: Env, browser: Browser) -> None:
    """Install by OAuth, share one link, then remove the app."""
    assert (await browser.install())[0] == 200
    await env.slack.post_message("U1", "C1", "TIL <https://a.example/>")
    await env.settle()
    await env.slack.uninstall()
    await env.settle()


async def housekeeping_after(env: Env, days: float) -> list[str]:
    """The workspaces the housekeeping purges `days` from now."""
    result = await run_housekeeping(env.store, env.config, time.time() + days * DAY)
    return result.workspaces_purged


async def test_an_uninstall_forgets_the_token_at_once_and_the_data_after_the_grace(
    tmp_path: Path,
) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        assert (await browser.install())[0] == 200
        await env.slack.post_message("U1", "C1", "TIL <https://a.example/>")
        assert len(await env.items()) == 1
        await env.slack.uninstall()
        await env.settle()
        assert await installed_token(env.store, env.team) is None
        assert await env.store.failed_events() == []  # both events handled
        assert await housekeeping_after(env, 6) == []
        assert len(await env.items()) == 1
        assert await housekeeping_after(env, 8) == [env.team]
        assert await env.items() == []
        assert await env.store.teams() == []


async def test_a_revoked_bot_token_is_never_used_again(tmp_path: Path) -> None:
    """The app stays installed but its token is revoked: later events find no installation
    (kept as failed, 401) and no Web API call carries the dead token."""
    async with oauth_bot(tmp_path) as (env, browser):
        assert (await browser.install())[0] == 200
        await env.slack.revoke_bot_tokens()
        await env.settle()
        assert await installed_token(env.store, env.team) is None
        await a_dm_finds_no_installation(env)


async def test_a_reinstall_within_the_grace_keeps_everything(tmp_path: Path) -> None:
    async with oauth_bot(tmp_path) as (env, browser):
        await install_share_and_leave(env, browser)
        status, body = await browser.install()
        assert status == 200
        assert "Thank you" in body
        fresh = await installed_token(env.store, env.team)
        assert fresh is not None
        assert await housekeeping_after(env, 30) == []
        assert len(await env.items()) == 1
        assert await installed_token(env.store, env.team) == fresh
        await env.slack.dm_bot("U1", "hello?")
        await env.settle()
        posts = env.slack.calls_of("chat.postMessage")
        assert [p.token for p in posts] == [fresh]


async def test_an_install_after_the_purge_starts_afresh(tmp_path: Path) -> None:
    """The grace ended and the purge ran: a new install gets a working installation and none
    of the old data, never the other way round."""
    async with oauth_bot(tmp_path) as (env, browser):
        await install_share_and_leave(env, browser)
        assert await housekeeping_after(env, 8) == [env.team]
        assert (await browser.install())[0] == 200
        assert await installed_token(env.store, env.team) is not None
        assert await env.items() == []
        assert await housekeeping_after(env, 30) == []
        assert await installed_token(env.store, env.team) is not None
