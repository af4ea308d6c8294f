"""Rarity is measured against each workspace's own items, on SQLite and PostgreSQL (the contract
suite): another workspace's size never changes whom a workspace's expert choice finds, and each
workspace's count follows its items through capture, deletion and another's purge."""

from __future__ import annotations

from bot.store import Store
from bot.store.sql import experts, team_items, workspaces
from bot.store.sql.search import parse_query
from tests.support.sharing import learning, share

T1, T2 = "T1", "T2"


async def _items(store: Store, team: str, count: int, about: str, every: int = 1) -> None:
    """`count` learnings shared in `team`, every `every`-th of them about `about`."""
    for n in range(count):
        text = f"notes {n} on {about if n % every == 0 else 'lunch'}"
        said = share(ts=f"{1_700_000_000 + n}.000100", user="U4", team=team, text=text)
        await store.save_message(said, [learning(f"{team}-{n}", text)])


async def _kafka_evidence(store: Store) -> dict[str, float]:
    query = parse_query("who knows kafka?", any_word=True)
    return await store._read(experts.evidence, T1, query, "who knows kafka?", [T1])


async def test_another_workspaces_size_never_changes_whom_one_finds(any_store: Store) -> None:
    await _items(any_store, T1, 60, "kafka", every=2)  # half of T1 is about kafka: too common
    alone = await _kafka_evidence(any_store)
    await _items(any_store, T2, 200, "rust")
    beside = await _kafka_evidence(any_store)
    assert beside == alone
    assert await any_store._read(team_items.item_count, T1) == 60
    assert await any_store._read(team_items.item_count, T2) == 200


async def test_the_count_follows_capture_deletion_and_anothers_purge(any_store: Store) -> None:
    await _items(any_store, T1, 3, "kafka")
    await _items(any_store, T2, 2, "rust")
    again = share(ts="1700000000.000100", user="U4", team=T1, text="notes 0 on kafka")
    await any_store.save_message(again, [learning(f"{T1}-0", "notes 0 on kafka")])  # the same
    assert await any_store._read(team_items.item_count, T1) == 3
    await any_store.remove_message(T1, "C1", "1700000001.000100")
    assert await any_store._read(team_items.item_count, T1) == 2
    await any_store._write(workspaces.delete_workspace, T2)
    assert await any_store._read(team_items.item_count, T1) == 2
    assert await any_store._read(team_items.item_count, T2) == 1  # none left: 1, a divisor
