"""A workspace's own settings behave the same on SQLite and PostgreSQL (the contract suite):
kept per workspace, set and cleared, and a value the environment would refuse is refused with
nothing stored."""

from __future__ import annotations

import pytest

from bot.config import ConfigError
from bot.store import Store
from tests.bot.store.test_contract_leaving import GRACE_OVER, two_workspaces
from tests.support.clock import START


async def test_settings_are_kept_per_workspace_set_and_cleared(any_store: Store) -> None:
    assert await any_store.team_settings("T1") == {}
    await any_store.change_team_settings(
        "T1", {"digest_day": "fri", "digest_hour": " 7 ", "admins": "U1,U2"}
    )
    await any_store.change_team_settings("T2", {"tz": "Asia/Tokyo"})
    assert await any_store.team_settings("T1") == {
        "digest_day": "fri",
        "digest_hour": "7",
        "admins": "U1,U2",
    }
    assert await any_store.team_settings("T2") == {"tz": "Asia/Tokyo"}
    await any_store.change_team_settings("T1", {"digest_day": "tue", "admins": None})
    assert await any_store.team_settings("T1") == {"digest_day": "tue", "digest_hour": "7"}
    await any_store.change_team_settings("T1", {"report_channel": None})  # none to clear
    assert await any_store.team_settings("T2") == {"tz": "Asia/Tokyo"}


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("tz", "Mars/Olympus_Mons", "SERENDIP_TZ is not a known IANA time zone"),
        ("digest_hour", "24", "SERENDIP_DIGEST_HOUR must be between 0 and 23"),
        ("digest_day", "someday", "SERENDIP_DIGEST_DAY must be one of"),
        ("report_channel", "T0OTHER", "SERENDIP_REPORT_CHANNEL has a malformed Slack id"),
        ("ask_channel", "C1,C2", "SERENDIP_ASK_CHANNEL must be a single Slack id"),
        ("admins", "U1,#general", "SERENDIP_ADMINS has a malformed Slack id"),
        ("routing_cap", "-1", "SERENDIP_ROUTING_CAP must be between 0 and 1000"),
        ("individual_stats", "maybe", "SERENDIP_INDIVIDUAL_STATS must be 'on' or 'off'"),
        ("tz", "  ", "SERENDIP_TZ needs a value"),
        ("bot_token", "xoxb-1", "not a setting a workspace may change"),
    ],
)
async def test_a_bad_value_is_refused_and_nothing_is_stored(
    any_store: Store, name: str, value: str, said: str
) -> None:
    await any_store.change_team_settings("T1", {"digest_day": "wed"})
    with pytest.raises(ConfigError, match=said):
        # The good change beside it is not stored either: all or nothing.
        await any_store.change_team_settings("T1", {"digest_day": "thu", name: value})
    assert await any_store.team_settings("T1") == {"digest_day": "wed"}


async def test_a_purged_workspace_loses_its_settings_and_no_other(any_store: Store) -> None:
    await two_workspaces(any_store)
    await any_store.change_team_settings("T1", {"digest_day": "fri"})
    await any_store.change_team_settings("T2", {"digest_day": "sat"})
    assert await any_store.mark_uninstalled("T1", START + 10, 0)
    assert await any_store.purge_uninstalled(GRACE_OVER) == ["T1"]
    assert await any_store.team_settings("T1") == {}
    assert await any_store.team_settings("T2") == {"digest_day": "sat"}
