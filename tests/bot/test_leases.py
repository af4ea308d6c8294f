"""Replicas in one process, each with its own store on one PostgreSQL database: they share the
inbox's partitions fairly, handle each event once and in order per message, and take over the
partitions of a replica that stopped renewing once its leases run out."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from bot.envelopes import PARTS, part_of
from bot.inbox import InboxWorker
from bot.leases import PartitionLeases, SoleOwner, claims_for
from bot.store import Store
from bot.store.pg.store import PostgresStore

LEASE = 3.0  # seconds: short, so that a takeover fits in a test; not so short that b, alive
# but held up for 1.5 s on a loaded machine, loses its own partitions and runs an event again
Handled = list[tuple[str, str, int]]  # (replica, message key, position within the message)


def event(key: str, n: int) -> str:
    channel, ts = key.split(":")
    inner = {"type": "reaction_added", "item": {"channel": channel, "ts": ts}, "n": n}
    return json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "x", "event": inner})


def recorder(
    name: str, handled: Handled, frozen: asyncio.Event | None = None
) -> Callable[[int, str], Awaitable[int]]:
    async def dispatch(seq: int, raw: str) -> int:
        inner = json.loads(raw)["event"]
        handled.append((name, f"{inner['item']['channel']}:{inner['item']['ts']}", inner["n"]))
        if frozen is not None:
            await frozen.wait()  # this replica hangs in a listener from now on
        await asyncio.sleep(0.001)
        return 200

    return dispatch


@asynccontextmanager
async def replica(url: str, name: str, handled: Handled) -> AsyncIterator[InboxWorker]:
    store = PostgresStore(url)
    await asyncio.to_thread(store.open)
    leases = PartitionLeases(store, LEASE, replica=name)
    worker = InboxWorker(store, recorder(name, handled), claims=leases)
    worker.start()
    try:
        yield worker
    finally:
        await worker.stop()
        await asyncio.to_thread(store.close)


async def settle(store: Store, owners: int) -> list[str | None]:
    """Until `owners` replicas hold every partition between them; the owners by partition."""
    for _ in range(200):
        found = [owner for _, owner, _, _ in await store.partition_owners()]
        if None not in found and len(set(found)) == owners:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"the partitions did not settle: {Counter(found)}")


async def until_handled(store: Store, seconds: float = 20.0) -> None:
    async with asyncio.timeout(seconds):
        while await store.pending_events(0, 1):  # noqa: ASYNC110 (other replicas' work)
            await asyncio.sleep(0.05)


def channel_in(part: int) -> str:
    """A channel whose events fall in inbox partition `part`."""
    return next(f"C{n}" for n in range(100_000) if part_of(event(f"C{n}:1.0", 0)) == part)


def check_once_in_order(handled: Handled, keys: list[str], per_key: int) -> None:
    for key in keys:
        assert [n for _, k, n in handled if k == key] == list(range(per_key)), key


async def test_three_replicas_share_the_inbox(pg_url: str) -> None:
    handled: Handled = []
    # A channel in every partition: whichever share each replica ends up with, it has events
    # (three channels, in three partitions, could all fall in two replicas' shares).
    keys = [f"{channel_in(part)}:1.0" for part in range(PARTS)]
    async with (
        replica(pg_url, "a", handled) as a,
        replica(pg_url, "b", handled),
        replica(pg_url, "c", handled),
    ):
        owners = Counter(await settle(a.store, 3))
        assert max(owners.values()) <= -(-PARTS // 3), owners
        for n in range(8):
            for key in keys:
                await a.store.enqueue_event("T1", f"E{key}{n}", event(key, n))
            a.accepted()
        await until_handled(a.store)
    check_once_in_order(handled, keys, 8)
    assert len({name for name, _, _ in handled}) == 3  # every replica had its share


async def test_a_frozen_replica_is_taken_over(pg_url: str) -> None:
    handled: Handled = []
    keys = [f"C1:{m}.0" for m in range(12)]
    frozen = asyncio.Event()
    store = PostgresStore(pg_url)
    await asyncio.to_thread(store.open)
    stuck = PartitionLeases(store, LEASE, replica="stuck")
    worker = InboxWorker(store, recorder("stuck", handled, frozen), claims=stuck)
    worker.start()
    try:
        async with replica(pg_url, "b", handled) as b:
            await settle(b.store, 2)
            for n in range(10):
                for key in keys:
                    await b.store.enqueue_event("T1", f"E{key}{n}", event(key, n))
                b.accepted()
            async with asyncio.timeout(10):
                while not any(name == "stuck" for name, _, _ in handled):  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            assert stuck._task is not None
            stuck._task.cancel()  # it stops renewing, as a killed or frozen process does
            await until_handled(b.store)
            owners = {owner for _, owner, _, _ in await b.store.partition_owners()}
            assert owners == {"b"}
            frozen.set()  # it wakes up: its late outcomes are fenced out
            await asyncio.sleep(0.1)
            assert await b.store.failed_events() == []
    finally:
        await worker.stop()
        await asyncio.to_thread(store.close)
    # Only what the frozen replica was running (one event per queue, then it hung) is handled
    # again, by b, once; b handled each event once and in order.
    by_stuck = Counter((k, n) for name, k, n in handled if name == "stuck")
    by_b = Counter((k, n) for name, k, n in handled if name == "b")
    assert by_stuck
    assert max(by_stuck.values()) == 1
    assert max(by_b.values()) == 1
    assert set(by_stuck) <= set(by_b)
    for key in keys:
        order = [n for name, k, n in handled if k == key and name == "b"]
        assert order == list(range(10 - len(order), 10)), key  # the rest, from where it stood
        assert {n for _, k, n in handled if k == key} == set(range(10)), key


async def test_sqlite_owns_every_partition(store: Store) -> None:
    assert isinstance(claims_for(store), SoleOwner)
    assert not store.shared


class Clock:
    """Local time for the leases, moved by hand on top of the real one."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.ahead


async def test_a_lapsed_lease_keeps_the_order(pg_url: str) -> None:
    # The lease is in doubt (no renewal for two thirds of it) while events of one message wait:
    # none runs then, and once it is renewed they run from the oldest on, in order.
    handled: list[int] = []
    first_started, go_on = asyncio.Event(), asyncio.Event()
    clock = Clock()

    async def dispatch(seq: int, raw: str) -> int:
        n = int(json.loads(raw)["event"]["n"])
        if n == 0:
            first_started.set()
            await go_on.wait()
        handled.append(n)
        return 200

    store = PostgresStore(pg_url)
    await asyncio.to_thread(store.open)
    leases = PartitionLeases(store, 60.0, replica="a", clock=clock)
    worker = InboxWorker(store, dispatch, claims=leases)
    worker.start()
    try:
        for n in range(10):
            await store.enqueue_event("T1", f"E{n}", event("C1:1.0", n))
        worker.accepted()
        await asyncio.wait_for(first_started.wait(), 10)
        clock.ahead = 100.0  # past the lease's safe two thirds: nothing more may start
        go_on.set()
        await asyncio.sleep(0.1)
        assert handled == [0]  # the first one was running; the rest wait
        await worker.drain()  # a renewal (every second) makes the lease sure again
    finally:
        await worker.stop()
        await asyncio.to_thread(store.close)
    assert handled == list(range(10))
