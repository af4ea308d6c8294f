"""The inbox verbs behave the same on SQLite and PostgreSQL (the contract suite)."""

from __future__ import annotations

from bot.store import Store


async def test_an_event_is_kept_once(any_store: Store) -> None:
    assert await any_store.enqueue_event("T1", "Ev1", '{"a": 1}') is True
    assert await any_store.enqueue_event("T1", "Ev1", '{"a": 1}') is False  # Slack's retry
    assert await any_store.enqueue_event("T2", "Ev1", "{}") is True  # another workspace's
    assert await any_store.event_known("T1", "Ev1")
    assert not await any_store.event_known("T1", "Ev2")
    # Positions are opaque and increasing; PostgreSQL may skip the one a retry would have had.
    events = await any_store.pending_events()
    assert [body for _, body in events] == ['{"a": 1}', "{}"]
    assert events[0][0] < events[1][0]


async def test_pending_events_in_order_after_a_position(any_store: Store) -> None:
    for n in range(5):
        await any_store.enqueue_event("T1", f"Ev{n}", f"body {n}")
    events = await any_store.pending_events()
    assert [body for _, body in events] == [f"body {n}" for n in range(5)]
    seqs = [seq for seq, _ in events]
    assert seqs == sorted(seqs)
    later = await any_store.pending_events(after=seqs[1], limit=2)
    assert [body for _, body in later] == ["body 2", "body 3"]
    assert await any_store.newest_event() == seqs[-1]


async def test_finishing_and_failing_events(any_store: Store) -> None:
    assert await any_store.newest_event() is None
    for n in range(3):
        await any_store.enqueue_event("T1", f"Ev{n}", "{}")
    first, second, third = (seq for seq, _ in await any_store.pending_events())
    await any_store.finish_event(first)
    await any_store.finish_event(second, error="KeyError: 'user'")
    assert [seq for seq, _ in await any_store.pending_events()] == [third]
    assert not await any_store.unhandled_before(second)
    assert await any_store.unhandled_before(third)
    failed = await any_store.failed_events()
    assert [(f["seq"], f["team_id"], f["event_id"], f["error"]) for f in failed] == [
        (second, "T1", "Ev1", "KeyError: 'user'")
    ]
    assert isinstance(failed[0]["done_at"], float)
    assert await any_store.event_known("T1", "Ev0")  # handled, still known: no second run


async def test_prune_keeps_what_is_unhandled_or_recent(any_store: Store) -> None:
    for n in range(3):
        await any_store.enqueue_event("T1", f"Ev{n}", "{}")
    first, second, _ = (seq for seq, _ in await any_store.pending_events())
    await any_store.finish_event(first)
    await any_store.finish_event(second)
    assert await any_store.failed_events() == []
    assert await any_store.prune_inbox(cutoff=0.0) == 0
    assert await any_store.prune_inbox(cutoff=float("inf")) == 2
    assert len(await any_store.pending_events()) == 1
    assert not await any_store.event_known("T1", "Ev0")


async def test_hostile_bodies_come_back_unchanged(any_store: Store) -> None:
    body = '{"text": "\'; DROP TABLE inbox; -- \\u0000 %s ? $1 ü 🎉"}'
    await any_store.enqueue_event("T1", "Ev'1", body)
    assert [b for _, b in await any_store.pending_events()] == [body]
    assert await any_store.event_known("T1", "Ev'1")
