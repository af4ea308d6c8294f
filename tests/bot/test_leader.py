"""The scheduler's leader: of two replicas on one PostgreSQL database exactly one runs the jobs;
when its session dies, the other takes over and the first stops its jobs. SQLite always leads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg

from bot.leader import Leader
from bot.store import Store
from bot.store.pg.leader_lock import PgLeaderLock
from tests.support.storefaults import make_read_only


class Jobs:
    """What a leader runs, as a record of starts and stops."""

    def __init__(self) -> None:
        self.running: list[int] = []

    def lead(self, epoch: int) -> Callable[[], Awaitable[None]]:
        self.running.append(epoch)

        async def stop() -> None:
            self.running.remove(epoch)

        return stop


async def test_one_of_two_replicas_leads_and_the_other_takes_over(pg_url: str) -> None:
    store_a, store_b = Store(pg_url).open(), Store(pg_url).open()
    jobs_a, jobs_b = Jobs(), Jobs()
    lock_a = store_a.leader_lock()
    assert isinstance(lock_a, PgLeaderLock)
    a = Leader(store_a, lock_a, jobs_a.lead, 5.0, holder="a")
    b = Leader(store_b, store_b.leader_lock(), jobs_b.lead, 5.0, holder="b")
    try:
        await a.step()  # a starts first
        for _ in range(3):
            await asyncio.gather(a.step(), b.step())
        assert (jobs_a.running, jobs_b.running) == ([1], [])
        assert (await store_b.current_leader() or ("",))[0] == "a"
        assert lock_a._conn is not None
        with psycopg.connect(pg_url, autocommit=True) as admin:  # a's session dies
            admin.execute("SELECT pg_terminate_backend(%s)", [lock_a._conn.info.backend_pid])
        await a.step()
        assert jobs_a.running == []  # it noticed and stopped its jobs
        for _ in range(50):
            await b.step()
            if jobs_b.running:
                break
            await asyncio.sleep(0.1)
        assert jobs_b.running == [2]
        await a.step()
        assert jobs_a.running == []  # it cannot take it back while b lives
        await b.stop()
        assert jobs_b.running == []
        await a.step()  # b let go on stopping: a takes over at its next poll
        assert jobs_a.running == [3]
    finally:
        await a.stop()
        await b.stop()
        store_a.close()
        store_b.close()


async def test_a_leader_that_cannot_renew_steps_down(pg_url: str) -> None:
    store = Store(pg_url).open()
    jobs = Jobs()
    leader = Leader(store, store.leader_lock(), jobs.lead, 5.0, holder="a")
    try:
        await leader.step()
        assert jobs.running == [1]
        await store.become_leader("someone else")  # a newer epoch: the lock lied, or was lost
        await leader.step()
        assert jobs.running == []
    finally:
        await leader.stop()
        store.close()


async def test_a_replica_that_cannot_record_its_lead_lets_another_lead(pg_url: str) -> None:
    store_a, store_b = Store(pg_url).open(), Store(pg_url).open()
    jobs_a, jobs_b = Jobs(), Jobs()

    async def cannot_write(holder: str) -> int:
        raise psycopg.OperationalError("the writer's connection is gone")

    store_a.become_leader = cannot_write  # type: ignore[method-assign]  # a's writes fail
    a = Leader(store_a, store_a.leader_lock(), jobs_a.lead, 5.0, holder="a")
    b = Leader(store_b, store_b.leader_lock(), jobs_b.lead, 5.0, holder="b")
    try:
        await a.step()  # takes the lock, then cannot record itself as the leader
        assert jobs_a.running == []
        await b.step()
        assert jobs_b.running == [1]  # a did not keep the lock while leading nothing
    finally:
        await a.stop()
        await b.stop()
        store_a.close()
        store_b.close()


async def test_sqlite_always_leads_and_the_loop_keeps_polling(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db").open()
    jobs = Jobs()
    polls: list[float] = []

    async def sleep(seconds: float) -> None:
        polls.append(seconds)
        await asyncio.sleep(0)

    leader = Leader(store, store.leader_lock(), jobs.lead, 5.0, sleep=sleep)
    leader.start()
    try:
        for _ in range(50):
            if len(polls) >= 3:
                break
            await asyncio.sleep(0.01)
        assert jobs.running == [1]
        assert polls[:3] == [5.0, 5.0, 5.0]
    finally:
        await leader.stop()
        store.close()
    assert jobs.running == []


async def test_sqlite_keeps_leading_while_its_writes_fail(tmp_path: Path) -> None:
    # One process serves a SQLite file: nobody else can lead, so a full or read-only disk
    # must not stop the scheduled jobs (as it never did before replicas).
    store = Store(tmp_path / "s.db").open()
    jobs = Jobs()
    leader = Leader(store, store.leader_lock(), jobs.lead, 5.0)
    try:
        await leader.step()
        assert jobs.running == [1]
        await make_read_only(store)
        await leader.step()
        assert jobs.running == [1]
    finally:
        await leader.stop()
        store.close()
