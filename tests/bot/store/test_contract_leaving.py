"""Leaving (issue 17, item 5) on SQLite and PostgreSQL: an uninstall forgets the installation at
once; the purge after the grace period takes that workspace's data and installations, nothing
of another; a reinstall within the grace period keeps everything, even one racing the purge."""

from __future__ import annotations

from dataclasses import replace

from bot.models import ChannelInfo
from bot.store import Store
from bot.store.sql import workspaces
from tests.bot.store.test_contract_installations import installed
from tests.support.clock import START

GRACE_OVER = START + 3600  # a cutoff after every stamp of the fixture's clock in these tests


async def two_workspaces(store: Store) -> None:
    """Two installed workspaces, each with a channel."""
    for team in ("T1", "T2"):
        await store.save_channel(ChannelInfo(team, "C1", f"general-{team}"))
        await store.save_installation(installed(team, f"xoxb-{team}"))


async def test_an_uninstall_stops_the_token_at_once_and_the_purge_takes_the_rest(
    any_store: Store,
) -> None:
    await two_workspaces(any_store)
    assert await any_store.mark_uninstalled("T1", START + 10, 0)
    assert await any_store.find_installation("", "T1") is None  # no listener gets its token
    assert await any_store.channel("T1", "C1") is not None  # the data waits for the grace
    assert await any_store.installed_teams() == ["T2"]
    assert await any_store.purge_uninstalled(START + 10) == []  # the grace has not ended
    assert await any_store.purge_uninstalled(GRACE_OVER) == ["T1"]
    assert await any_store.channel("T1", "C1") is None
    assert await any_store.teams() == ["T2"]
    kept = await any_store.find_installation("", "T2")
    assert kept is not None
    assert kept.bot_token == "xoxb-T2"
    assert await any_store.channel("T2", "C1") is not None


async def test_the_purge_takes_an_installation_the_uninstall_left(any_store: Store) -> None:
    """One left by a grace period marked before this release, or by a revocation's handler that
    failed after the mark: the purge still deletes it with the workspace."""
    await two_workspaces(any_store)
    await any_store._write(workspaces.mark_uninstalled, "T1", START + 10, 1)
    assert await any_store.purge_uninstalled(GRACE_OVER) == ["T1"]
    assert await any_store.find_installation("", "T1") is None
    assert await any_store.find_installation("", "T2") is not None


async def test_a_reinstall_within_the_grace_period_keeps_everything(any_store: Store) -> None:
    await two_workspaces(any_store)
    await any_store.mark_uninstalled("T1", START + 10, 0)
    await any_store.save_installation(installed("T1", "xoxb-fresh"))
    assert await any_store.installed_teams() == ["T1", "T2"]
    assert await any_store.purge_uninstalled(GRACE_OVER) == []
    assert await any_store.channel("T1", "C1") is not None
    fresh = await any_store.find_installation("", "T1")
    assert fresh is not None
    assert fresh.bot_token == "xoxb-fresh"


async def test_a_reinstall_saved_before_its_uninstall_was_handled_stays(any_store: Store) -> None:
    """The uninstall reached the inbox, then the workspace installed again before the inbox
    handled it: the late uninstall must not delete the fresh installation."""
    await two_workspaces(any_store)
    assert await any_store.enqueue_event("T1", "Ev1", '{"event": {"type": "app_uninstalled"}}')
    [(seq, _)] = await any_store.pending_events()
    await any_store.save_installation(installed("T1", "xoxb-fresh"))
    assert not await any_store.mark_uninstalled("T1", START + 3000, seq)
    assert await any_store.find_installation("", "T1") is not None
    assert await any_store.purge_uninstalled(GRACE_OVER) == []
    assert await any_store.installed_teams() == ["T1", "T2"]


async def test_a_reinstall_racing_the_purge_never_leaves_half_a_workspace(
    any_store: Store,
) -> None:
    """The purge read its list, then a reinstall landed before it deleted: the workspace is kept
    whole. A reinstall after the purge starts afresh with its installation, none of the old data."""
    await two_workspaces(any_store)
    await any_store.mark_uninstalled("T1", START + 10, 0)
    await any_store.save_installation(installed("T1", "xoxb-racer"))
    assert not await any_store._write(workspaces.purge_workspace, "T1", GRACE_OVER)
    assert await any_store.channel("T1", "C1") is not None

    await any_store.mark_uninstalled("T2", START + 10, 0)
    assert await any_store.purge_uninstalled(GRACE_OVER) == ["T2"]
    await any_store.save_installation(installed("T2", "xoxb-after"))
    after = await any_store.find_installation("", "T2")
    assert after is not None
    assert after.bot_token == "xoxb-after"
    assert await any_store.channel("T2", "C1") is None
    assert await any_store.purge_uninstalled(GRACE_OVER) == []  # not marked as leaving again
    assert await any_store.find_installation("", "T2") is not None


async def test_an_organisation_uninstall_forgets_only_the_organisation_install(
    any_store: Store,
) -> None:
    org = replace(installed("", "xoxb-org"), enterprise_id="E1", is_enterprise_install=True)
    await any_store.save_installation(org)
    await any_store.save_installation(replace(installed("T9"), enterprise_id="E1"))
    assert await any_store.mark_uninstalled("T1", START + 10, 0, ("E1", ""))
    assert await any_store.find_installation("E1", "") is None
    assert await any_store.find_installation("E1", "T9") is not None


async def test_workspace_names_and_channels_by_name_per_workspace(any_store: Store) -> None:
    """What `--team` reads: names an install told (never an organisation's row), and a
    channel's id by name within one workspace."""
    await two_workspaces(any_store)
    org = replace(installed("", "xoxb-org"), enterprise_id="E1", team_name="Org")
    await any_store.save_installation(org)
    await any_store.save_installation(replace(installed("T3"), team_name=None))
    assert await any_store.team_names() == {"T1": "Team One", "T2": "Team One"}
    await any_store.save_channel(ChannelInfo("T0", "C0", "general-T2"))
    assert await any_store.channel_by_name("general-T2", "T2") == "C1"
    assert await any_store.channel_by_name("general-T2", "T1") is None
    assert await any_store.channel_by_name("general-T2") == "C0"  # the first workspace's
