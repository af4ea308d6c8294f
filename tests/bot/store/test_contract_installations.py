"""OAuth installations and states behave the same on SQLite and PostgreSQL (the contract suite)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.models import UserInfo
from bot.store import Installed, Store

TOKEN = "xoxb-secret-token-1"
REFRESH = "xoxe-1-secret-refresh"


def installed(team: str = "T1", token: str = TOKEN) -> Installed:
    return Installed(
        enterprise_id="",
        team_id=team,
        bot_token=token,
        bot_id="B1",
        bot_user_id="UBOT",
        bot_scopes="chat:write,commands",
        bot_refresh_token=REFRESH,
        bot_token_expires_at=1_800_000_000.0,
        installer="U1",
        installed_at=1_700_000_000.0,
        app_id="A1",
        team_name="Team One",
        token_type="bot",
    )


async def test_an_installation_is_kept_found_replaced_and_deleted(any_store: Store) -> None:
    assert await any_store.find_installation("", "T1") is None
    await any_store.save_installation(installed())
    await any_store.save_installation(installed("T2", "xoxb-other"))
    found = await any_store.find_installation("", "T1")
    assert found == replace(installed(), installed_at=found.installed_at if found else 0)
    assert found is not None
    assert found.installed_at > 1_700_000_000.0  # stamped by the store's clock
    rotated = replace(installed(), bot_token="xoxb-new", bot_refresh_token="xoxe-1-new")
    await any_store.save_installation(rotated)  # token rotation: the same workspace's row
    again = await any_store.find_installation("", "T1")
    assert again is not None
    assert again == replace(rotated, installed_at=again.installed_at)
    assert await any_store.find_installation("E1", "T1") is None  # the key is the pair
    assert await any_store.delete_installation("", "T1")
    assert not await any_store.delete_installation("", "T1")
    assert await any_store.find_installation("", "T1") is None
    found = await any_store.find_installation("", "T2")
    assert found is not None
    assert found.bot_token == "xoxb-other"


async def test_a_token_never_shows_in_a_repr(any_store: Store) -> None:
    await any_store.save_installation(installed())
    shown = repr(await any_store.find_installation("", "T1"))
    assert "T1" in shown
    assert TOKEN not in shown
    assert REFRESH not in shown


async def test_a_state_is_consumed_once_and_never_after_it_expires(any_store: Store) -> None:
    await any_store.issue_oauth_state("s-1", 600.0)
    await any_store.issue_oauth_state("s-2", 0.0)  # expired at once (the clock ticks on)
    assert not await any_store.consume_oauth_state("forged")
    assert await any_store.consume_oauth_state("s-1")
    assert not await any_store.consume_oauth_state("s-1")  # replayed
    assert not await any_store.consume_oauth_state("s-2")


async def test_of_two_racing_consumers_one_gets_the_state(any_store: Store) -> None:
    await any_store.issue_oauth_state("s-race", 600.0)
    results = await asyncio.gather(*(any_store.consume_oauth_state("s-race") for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_a_workspace_is_served_by_its_own_installation_else_its_organisations(
    any_store: Store,
) -> None:
    org_wide = replace(installed("", "xoxb-org"), enterprise_id="E1")
    await any_store.save_installation(org_wide)
    await any_store.save_installation(replace(installed("T2", "xoxb-t2"), enterprise_id="E1"))
    # T1 belongs to E1 (its people say so); T3 to another organisation; T4 to none.
    await any_store.save_user(UserInfo("T1", "W1", "ana", enterprise="E1"))
    await any_store.save_user(UserInfo("T3", "W3", "bo", enterprise="E9"))
    await any_store.save_user(UserInfo("T4", "U4", "cy"))
    # A Slack Connect guest from E1 in T4 does not make T4 part of E1.
    await any_store.save_user(UserInfo("T4", "W5", "ed", home_team="T2", enterprise="E1"))
    await any_store.save_user(UserInfo("T2", "W2", "di", enterprise="E1"))

    async def token(team: str) -> str | None:
        found = await any_store.installation_for_team(team)
        return None if found is None else found.bot_token

    assert await token("T1") == "xoxb-org"
    assert await token("T2") == "xoxb-t2"  # its own install wins over the organisation's
    assert await token("T3") is None
    assert await token("T4") is None
    assert await token("T-unknown") is None
