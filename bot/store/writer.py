"""One writer thread with group commit, so the event loop never waits on SQLite or fsync.

Every write is a function of the database, queued from the event loop and awaited there.
The thread takes all queued writes, runs each inside its own savepoint of one
`BEGIN IMMEDIATE` transaction, commits once, and only then resolves the waiting futures:
a caller that got its answer knows its write is on disk.

A few jobs cannot run inside a transaction (VACUUM, a checkpoint that truncates the WAL): they
run alone, between two batches, so they too are the one writer's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlite_utils import Database

T = TypeVar("T")
WriteFn = Callable[[Database], Any]
AnyFuture = Future[Any] | asyncio.Future[Any]
Job = tuple[WriteFn, AnyFuture, bool]  # the write, its future, whether it runs alone
Outcome = tuple[AnyFuture, Any, BaseException | None]
MAX_BATCH = 500
log = logging.getLogger(__name__)


class WriterClosed(RuntimeError):
    """The store was closed; nothing more can be written."""


class Writer:
    """Owns the only writing connection and runs queued writes in batches."""

    def __init__(self, connect: Callable[[], Database]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._held: Job | None = None  # a job that runs alone, met while filling a batch
        self._thread = threading.Thread(target=self._run, name="serendip-writer", daemon=True)
        self._ready: Future[None] = Future()
        self._closed = False
        self.commits = 0

    def start(self) -> None:
        """Open the connection in the writer thread and wait until it is ready."""
        self._thread.start()
        self._ready.result()

    def submit(self, fn: Callable[[Database], T]) -> Future[T]:
        """Queue a write; the future resolves after its batch committed."""
        if self._closed:
            raise WriterClosed("the store is closed")
        future: Future[T] = Future()
        self._queue.put((fn, future, False))
        return future

    async def run(self, fn: Callable[[Database], T], alone: bool = False) -> T:
        """Queue a write and await its commit without blocking the loop; `alone`: run it
        outside any transaction, after the writes queued before it committed."""
        if self._closed:
            raise WriterClosed("the store is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put((fn, future, alone))
        return await future

    def close(self) -> None:
        """Finish queued writes, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            db = self._connect()
        except BaseException as exc:  # reported to start(), which re-raises it
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        try:
            while (batch := self._take()) is not None:
                if batch[0][2]:
                    self._alone(db, batch[0])
                else:
                    self._commit(db, batch)
        finally:
            with contextlib.suppress(sqlite3.Error):
                db.execute("PRAGMA optimize")  # keeps the planner's statistics fresh
            db.close()

    def _take(self) -> list[Job] | None:
        first, self._held = self._held or self._queue.get(), None
        if first is None:
            return None
        batch = [first]
        while not first[2] and len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # stop after this batch
                break
            if item[2]:
                self._held = item  # after this batch, in its turn
                break
            batch.append(item)
        return batch

    def _commit(self, db: Database, batch: list[Job]) -> None:
        results: list[Outcome] = []
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            for fn, future, _ in batch:
                results.append(self._apply(db, fn, future))
            db.conn.execute("COMMIT")
            self.commits += 1
        except sqlite3.Error as exc:
            log.error("write batch failed: %s", exc)
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            results = [(future, None, exc) for _, future, _ in batch]
        _resolve(results)

    @staticmethod
    def _alone(db: Database, job: Job) -> None:
        fn, future, _ = job
        try:
            outcome: Outcome = (future, fn(db), None)
            if db.conn.in_transaction:  # the module opened one for a data change
                db.conn.execute("COMMIT")
        except Exception as exc:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            outcome = (future, None, exc)
        _resolve([outcome])

    @staticmethod
    def _apply(db: Database, fn: WriteFn, future: AnyFuture) -> Outcome:
        # A savepoint per write: one failing write is undone alone, the batch still commits.
        try:
            with db.atomic():
                return future, fn(db), None
        except Exception as exc:
            return future, None, exc


def _settle(outcomes: list[Outcome]) -> None:
    for future, value, error in outcomes:
        if isinstance(future, asyncio.Future) and future.cancelled():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)


def _resolve(outcomes: list[Outcome]) -> None:
    """Hand results back: one wake-up per event loop for the whole batch, not one per write."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
    plain: list[Outcome] = []
    for outcome in outcomes:
        future = outcome[0]
        if isinstance(future, asyncio.Future):
            by_loop.setdefault(future.get_loop(), []).append(outcome)
        else:
            plain.append(outcome)
    _settle(plain)
    for loop, items in by_loop.items():
        if not loop.is_closed():
            loop.call_soon_threadsafe(_settle, items)
