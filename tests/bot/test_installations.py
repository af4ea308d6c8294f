"""Bolt's installation and state stores over the store: keys, persons, signatures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.installations import StoreInstallations, StoreStates
from bot.store import Store
from tests.support.clock import ticking

SECRET = "a-state-secret-of-the-tests"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "serendip.db", clock=ticking()).open()
    yield opened
    opened.close()


def installation(**extra: object) -> Installation:
    fields: dict[str, object] = {
        "app_id": "A1",
        "team_id": "T1",
        "bot_token": "xoxb-1",
        "bot_id": "B1",
        "bot_user_id": "UB",
        "bot_scopes": ["chat:write", "commands"],
        "user_id": "U1",
        **extra,
    }
    return Installation(**fields)  # type: ignore[arg-type]


async def test_the_installers_installation_and_nobody_elses(store: Store) -> None:
    kept = StoreInstallations(store)
    await kept.async_save(installation())
    found = await kept.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.user_id, found.bot_scopes) == (
        "xoxb-1",
        "U1",
        ["chat:write", "commands"],
    )
    mine = await kept.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert mine is not None
    assert (
        await kept.async_find_installation(enterprise_id=None, team_id="T1", user_id="U2") is None
    )
    bot = await kept.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert bot.bot_token == "xoxb-1"
    await kept.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U2")
    assert await kept.async_find_bot(enterprise_id=None, team_id="T1") is not None
    await kept.async_delete_all(enterprise_id=None, team_id="T1")
    assert await kept.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_an_organisation_wide_install_is_found_without_a_team(store: Store) -> None:
    kept = StoreInstallations(store)
    await kept.async_save(installation(enterprise_id="E1", is_enterprise_install=True))
    found = await kept.async_find_bot(enterprise_id="E1", team_id="T9", is_enterprise_install=True)
    assert found is not None
    assert found.is_enterprise_install
    assert await kept.async_find_bot(enterprise_id="E1", team_id="T1") is None


async def test_an_install_without_a_bot_token_is_refused(store: Store) -> None:
    with pytest.raises(Exception, match="no bot token"):
        await StoreInstallations(store).async_save(installation(bot_token=None))


async def test_states_are_signed_and_consumed_once(store: Store) -> None:
    states = StoreStates(store, SECRET)
    state = await states.async_issue()
    nonce, _, signature = state.partition(".")
    assert not await states.async_consume(f"{nonce}.{'0' * len(signature)}")  # forged
    assert not await StoreStates(store, "another-deployments-secret").async_consume(state)
    assert await states.async_consume(state)
    assert not await states.async_consume(state)  # replayed
    assert not await states.async_consume("")
    assert SECRET not in state
