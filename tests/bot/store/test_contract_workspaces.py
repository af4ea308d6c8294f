"""The workspace verbs behave the same on SQLite and PostgreSQL (the contract suite)."""

from __future__ import annotations

from bot.store import Store
from bot.store.sql.workspaces import url_of


async def test_uninstall_grace_period_and_return(any_store: Store) -> None:
    await any_store.enqueue_event("T1", "Ev1", "{}")
    await any_store.mark_uninstalled("T1", at=100.0, seq=5)
    await any_store.mark_uninstalled("T2", at=300.0, seq=6)
    assert await any_store.teams() == ["T1", "T2"]
    assert await any_store.installed_teams() == []
    await any_store.note_activity("T1", seq=7)  # an event after the uninstall: it is back
    assert await any_store.installed_teams() == ["T1"]
    assert await any_store.purge_uninstalled(cutoff=200.0) == []  # T1 is back, T2 too recent


async def test_a_later_event_wins_over_an_earlier_uninstall(any_store: Store) -> None:
    await any_store.note_activity("T1", seq=9)
    await any_store.mark_uninstalled("T1", at=100.0, seq=8)  # handled late, happened earlier
    assert await any_store.purge_uninstalled(cutoff=1e12) == []


async def test_purge_deletes_every_row_of_the_workspace_only(any_store: Store) -> None:
    for team in ("T1", "T2"):
        await any_store.enqueue_event(team, "Ev1", "{}")
        await any_store.mark_uninstalled(team, at=100.0 if team == "T1" else 900.0, seq=1)
    assert await any_store.purge_uninstalled(cutoff=500.0) == ["T1"]
    assert await any_store.teams() == ["T2"]
    assert not await any_store.event_known("T1", "Ev1")
    assert await any_store.event_known("T2", "Ev1")
    assert await any_store.purge_uninstalled(cutoff=500.0) == []


async def test_teams_with_person(any_store: Store) -> None:
    assert await any_store.teams_with_person("U1") == []
    assert await any_store.teams_with_person("'; --") == []


async def test_the_workspace_address_is_kept_and_renamed(any_store: Store) -> None:
    await any_store.remember_workspace_url("T1", "https://acme.slack.com/")
    await any_store.remember_workspace_url("T1", "https://acme-corp.slack.com/")
    await any_store.mark_uninstalled("T1", at=100.0, seq=1)  # the row keeps its address
    assert await any_store._read(url_of, "T1") == "https://acme-corp.slack.com/"
    assert await any_store._read(url_of, "T2") is None
