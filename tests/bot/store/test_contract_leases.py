"""The lease verbs and the fenced inbox verbs behave the same on SQLite and PostgreSQL: fair
shares of the partitions, renewal, takeover after expiry with a new epoch, and a replica that
lost its lease cannot mark an event done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.envelopes import PARTS, part_of
from bot.store import Store
from bot.store.pg.store import PostgresStore
from tests.support.clock import START
from tests.support.postgres import fresh_database

LEASE = 15.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def clocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Clock]]:
    """A fresh store on each backend, on a clock the test moves."""
    clock = Clock()
    if request.param == "sqlite":
        store = Store(tmp_path / "serendip.db", clock=clock).open()
        yield store, clock
        store.close()
        return
    with fresh_database() as url:
        pg = PostgresStore(url, clock=clock).open()
        yield pg, clock
        pg.close()


async def test_replicas_share_the_partitions_fairly(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    held, share = await store.renew_leases("a", LEASE)
    assert (share, [p for p, _ in held]) == (PARTS, list(range(PARTS)))  # alone: everything
    assert {epoch for _, epoch in held} == {1}
    clock.now += 1
    held_b, share_b = await store.renew_leases("b", LEASE)
    assert (share_b, held_b) == (PARTS // 2, [])  # nothing free yet: a must give some back
    held, share = await store.renew_leases("a", LEASE)
    assert (share, len(held)) == (PARTS // 2, PARTS)  # renewed; a releases the surplus itself
    await store.release_leases("a", [p for p, _ in held[PARTS // 2 :]])
    held_b, _ = await store.renew_leases("b", LEASE)
    assert [p for p, _ in held_b] == list(range(PARTS // 2, PARTS))
    assert {epoch for _, epoch in held_b} == {2}  # a new owner: a new epoch
    owners = await store.partition_owners()
    assert [o for _, o, _, _ in owners] == ["a"] * (PARTS // 2) + ["b"] * (PARTS // 2)


async def test_an_expired_lease_is_taken_over(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    await store.renew_leases("a", LEASE)
    clock.now += 5
    await store.renew_leases("b", LEASE)  # b is alive, but a's leases hold
    clock.now += LEASE + 1  # a stopped renewing (killed); b's heartbeat is older too
    held_b, share_b = await store.renew_leases("b", LEASE)
    assert share_b == PARTS  # a is no longer counted
    assert [p for p, _ in held_b] == list(range(PARTS))
    assert {epoch for _, epoch in held_b} == {2}
    assert await store.partition_owners() == [(p, "b", clock.now + LEASE, 2) for p in range(PARTS)]


async def test_a_renewal_keeps_the_epoch(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    first, _ = await store.renew_leases("a", LEASE)
    clock.now += LEASE + 5  # ran out, but nobody took them: still a's, at the same epoch
    again, _ = await store.renew_leases("a", LEASE)
    assert again == first


async def test_a_stopped_replica_frees_its_leases(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    await store.renew_leases("a", LEASE)
    await store.forget_replica("a")
    clock.now += 1
    held, share = await store.renew_leases("b", LEASE)
    assert (share, len(held)) == (PARTS, PARTS)


def message(channel: str, ts: str, n: int) -> str:
    return f'{{"event": {{"type": "message", "channel": "{channel}", "ts": "{ts}", "n": {n}}}}}'


async def test_pending_events_by_partition(clocked: tuple[Store, Clock]) -> None:
    store, _ = clocked
    bodies = [message("C1", "1.1", 0), message("C2", "2.2", 1), message("C1", "3.3", 2)]
    for n, body in enumerate(bodies):
        await store.enqueue_event("T1", f"Ev{n}", body)
    one, two = part_of(bodies[0]), part_of(bodies[1])
    assert one != two  # (the test needs two partitions)
    rows = await store.pending_events_in([one])
    assert [(part, body) for _, part, body in rows] == [(one, bodies[0]), (one, bodies[2])]
    assert [b for _, _, b in await store.pending_events_in([one, two], after=rows[0][0])] == [
        bodies[1],
        bodies[2],
    ]
    assert [b for _, _, b in await store.pending_events_in([one, two], limit=1)] == [bodies[0]]
    assert await store.pending_events_in([]) == []


async def test_finishing_is_fenced_by_the_epoch(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    body = message("C1", "1.1", 0)
    await store.enqueue_event("T1", "Ev1", body)
    await store.enqueue_event("T1", "Ev2", body)
    held, _ = await store.renew_leases("a", LEASE)
    epoch = dict(held)[part_of(body)]
    (first, part, _), (second, _, _) = await store.pending_events_in([part_of(body)])
    assert await store.finish_leased_event(first, part, epoch)
    assert not await store.finish_leased_event(first, part, epoch)  # done already
    clock.now += LEASE + 1
    await store.renew_leases("b", LEASE)  # took every partition over
    assert not await store.finish_leased_event(second, part, epoch, error="late")
    assert [seq for seq, _, _ in await store.pending_events_in([part])] == [second]
    assert await store.finish_leased_event(second, part, epoch + 1)
    assert await store.failed_events() == []
