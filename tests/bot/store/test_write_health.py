"""The writer knows whether the storage takes writes: a full database fails whole batches,
is reported until a write succeeds, and a probe notices when room comes back."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future

import pytest
from sqlite_utils import Database

from bot.store import Store, is_storage_error
from tests.support.storefaults import fill_disk, make_room


def insert(blob_size: int, tag: int) -> Callable[[Database], None]:
    def write(db: Database) -> None:
        db.execute("INSERT INTO test_filler VALUES (zeroblob(?))", [blob_size + tag])

    return write


def rows(store: Store) -> list[int]:
    return sorted(
        int(n)
        for (n,) in store._read_sync(
            lambda db: db.execute(
                "SELECT length(b) FROM test_filler WHERE length(b) BETWEEN 1 AND 100"
            ).fetchall()
        )
    )


async def test_a_full_database_fails_the_whole_batch(store: Store) -> None:
    await fill_disk(store)
    running, gate = threading.Event(), threading.Event()

    def hold(db: Database) -> None:
        running.set()
        gate.wait(5)

    blocker = store._submit_write(hold)  # the next writes queue up behind it: one batch
    assert running.wait(5)
    small_before = store._submit_write(insert(0, 1))
    large = store._submit_write(insert(200_000, 0))
    small_after = store._submit_write(insert(0, 2))
    gate.set()
    blocker.result(timeout=5)
    outcomes: list[Future[None]] = [small_before, large, small_after]
    for future in outcomes:
        error = future.exception(timeout=5)
        assert is_storage_error(error)
        assert str(error) == "database or disk is full"
    # SQLite rolled the whole transaction back: the write after the failed one did not
    # run on its own, outside it, while its caller was told it failed.
    assert rows(store) == []
    assert store.write_failure == "database or disk is full"


async def test_failure_is_reported_until_a_write_succeeds(store: Store) -> None:
    assert store.write_failure is None
    await fill_disk(store)
    with pytest.raises(Exception, match="database or disk is full"):
        await store._write(insert(200_000, 0))
    assert store.write_failure == "database or disk is full"
    await make_room(store)  # a write that succeeds
    assert store.write_failure is None
    await store._write(insert(200_000, 0))


async def test_an_idle_writer_probes_until_there_is_room(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await fill_disk(store)
    await make_room(store)
    await store._write(insert(100_000, 0))  # room that will come back later
    await fill_disk(store)
    with pytest.raises(Exception, match="database or disk is full"):
        await store._write(insert(200_000, 0))
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="bot.store.writer"):
        # Nothing else is written: the writer's own probe finds the disk still full...
        async with asyncio.timeout(10):
            while not any("still cannot" in r.getMessage() for r in caplog.records):
                assert store.write_failure is not None
                await asyncio.sleep(0.02)
        assert store.write_failure == "database or disk is full"
        # ...and, once pages are freed (here by another connection), that it has room again.
        other = sqlite3.connect(store.path)
        other.execute("DELETE FROM test_filler WHERE length(b) = 100000")
        other.commit()
        other.close()
        async with asyncio.timeout(10):
            while store.write_failure is not None:  # noqa: ASYNC110 (the writer thread's timer)
                await asyncio.sleep(0.02)
    await store._write(insert(50_000, 0))
