"""The scheduler leader's row and the deployment's send pace behave the same on SQLite and
PostgreSQL (the contract suite)."""

from __future__ import annotations

from bot.store import Store


async def test_each_new_leader_gets_a_higher_epoch_and_the_old_one_cannot_renew(
    any_store: Store,
) -> None:
    assert await any_store.current_leader() is None
    first = await any_store.become_leader("host-a:1")
    assert await any_store.renew_leadership(first)
    second = await any_store.become_leader("host-b:2")
    assert second == first + 1
    assert not await any_store.renew_leadership(first)  # deposed: it must stop
    assert await any_store.renew_leadership(second)
    leader = await any_store.current_leader()
    assert leader is not None
    assert leader[:2] == ("host-b:2", second)


async def test_send_slots_follow_each_other_whoever_books_them(any_store: Store) -> None:
    assert await any_store.reserve_send_slot("global", 0.5, 100.0) == 100.0
    assert await any_store.reserve_send_slot("global", 0.5, 100.0) == 100.5
    assert await any_store.reserve_send_slot("global", 0.5, 100.1) == 101.0
    assert await any_store.reserve_send_slot("other", 0.5, 100.1) == 100.1  # keys apart
    assert await any_store.reserve_send_slot("global", 0.5, 200.0) == 200.0  # idle: now
    await any_store.push_send_slots("global", 230.0)  # a 429
    assert await any_store.reserve_send_slot("global", 0.5, 201.0) == 230.0
    await any_store.push_send_slots("global", 10.0)  # never earlier
    assert await any_store.reserve_send_slot("global", 0.5, 201.0) == 230.5
