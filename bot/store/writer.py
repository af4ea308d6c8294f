"""One writer thread with group commit, so the event loop never waits on SQLite or fsync.

The writer is also where the store knows whether it can write at all: `failure` holds why the
last write failed for want of storage (a full disk, a read-only file, an I/O error), until a
write succeeds again. While it fails, a probe retries now and then, with back-off, so the
store notices when space comes back even if nothing else is written.

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
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

import psycopg
from sqlite_utils import Database

T = TypeVar("T")
C = TypeVar("C")  # the writing connection: sqlite-utils' Database, or a psycopg Connection
AnyFuture = Future[Any] | asyncio.Future[Any]
Job = tuple[Callable[[Any], Any], AnyFuture, bool]  # the write, its future, whether it runs alone
Outcome = tuple[AnyFuture, Any, BaseException | None]
MAX_BATCH = 500
PROBE_FIRST, PROBE_MAX = 1.0, 30.0  # seconds between probes while writes fail
# SQLite's primary result codes for "the storage cannot take this write now": BUSY, LOCKED,
# READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB. Not a bug in the statement that hit them.
STORAGE_CODES = frozenset({5, 6, 8, 10, 11, 13, 14, 26})
PG_STORAGE_CLASSES = frozenset({"08", "53", "57", "58"})  # PostgreSQL's SQLSTATE classes
log = logging.getLogger(__name__)


def storage_error(exc: BaseException | None) -> Exception | None:
    """The storage failure behind `exc` (itself or what it was raised from), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        code = getattr(exc, "sqlite_errorcode", None)
        if (
            isinstance(exc, sqlite3.Error)
            and isinstance(code, int)
            and code & 0xFF in STORAGE_CODES
        ):
            return exc
        # PostgreSQL: the server is gone, shutting down, out of disk or of connections
        # (SQLSTATE classes 08, 53, 57 and 58, or none: the client lost the connection). Not
        # the rest of psycopg's OperationalError (a deadlock, an index row too long): those
        # are about one statement, and the storage takes other writes meanwhile.
        if isinstance(exc, psycopg.OperationalError) and (
            exc.sqlstate is None or exc.sqlstate[:2] in PG_STORAGE_CLASSES
        ):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def is_storage_error(exc: BaseException | None) -> bool:
    """Whether `exc` comes from the storage (disk full, read-only, I/O), not from a bug."""
    return storage_error(exc) is not None


def _touch(db: Database) -> None:
    """The smallest writes that need room: a new page (undone) and the schema version."""
    db.execute("SAVEPOINT serendip_probe")
    db.execute("CREATE TABLE serendip_probe (x)")  # a page from the free list or the file
    db.execute("ROLLBACK TO serendip_probe")
    db.execute("RELEASE serendip_probe")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    db.execute(f"PRAGMA user_version = {version}")  # one page that must reach the disk


class WriterClosed(RuntimeError):
    """The store was closed; nothing more can be written."""


class BatchWriter(Generic[C]):
    """Owns the only writing connection and runs queued writes in batches; a backend says how
    a batch commits (`_commit`), how a job runs alone (`_alone`) and how it probes (`_probe`)."""

    def __init__(self, connect: Callable[[], C]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._held: Job | None = None  # a job that runs alone, met while filling a batch
        self._thread = threading.Thread(target=self._run, name="serendip-writer", daemon=True)
        self._ready: Future[None] = Future()
        self._closed = False
        self.commits = 0
        self.failure: str | None = None  # why the last write failed for want of storage
        self._probe_delay = PROBE_FIRST
        self._probe_pending = False  # a probe is scheduled and not submitted yet

    def start(self) -> None:
        """Open the connection in the writer thread and wait until it is ready."""
        self._thread.start()
        self._ready.result()
        # A read-only or full database opens and reads fine: one write tells, before any work.
        self.submit(self._probe).exception()

    def submit(self, fn: Callable[[C], T]) -> Future[T]:
        """Queue a write; the future resolves after its batch committed."""
        if self._closed:
            raise WriterClosed("the store is closed")
        future: Future[T] = Future()
        self._queue.put((fn, future, False))
        return future

    async def run(self, fn: Callable[[C], T], alone: bool = False) -> T:
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
            self._finish(db)

    def _commit(self, db: C, batch: list[Job]) -> None:
        raise NotImplementedError

    def _alone(self, db: C, job: Job) -> None:
        raise NotImplementedError

    def _probe(self, db: C) -> None:
        raise NotImplementedError

    def _finish(self, db: C) -> None:
        raise NotImplementedError

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

    def _note(self, errors: list[BaseException | None]) -> None:
        """Remember whether the storage took these writes, and say so when that changes."""
        failed = next((e for e in errors if is_storage_error(e)), None)
        if failed is not None:
            if self.failure is None:
                log.error("the database cannot be written: %s", storage_error(failed))
            else:
                log.debug("the database still cannot be written: %s", storage_error(failed))
            self.failure = str(storage_error(failed))
            self._probe_later()
        elif self.failure is not None:
            log.warning("the database can be written again (it failed with: %s)", self.failure)
            self.failure = None
            self._probe_delay = PROBE_FIRST

    def _probe_later(self) -> None:
        """While writes fail, try one now and then (with back-off), so that room coming back
        is noticed even when nothing else is written."""
        if self._closed or self._probe_pending:
            return
        self._probe_pending = True
        # A sleeping thread, not threading.Timer: a condition variable's timed wait reads the
        # wall clock's absolute time, which faketime (the tests' date shift) moves.
        delay = self._probe_delay
        threading.Thread(target=self._probe_after, args=(delay,), daemon=True).start()
        self._probe_delay = min(delay * 2, PROBE_MAX)

    def _probe_after(self, delay: float) -> None:
        time.sleep(delay)
        self._probe_pending = False
        if self.failure is not None:
            with contextlib.suppress(WriterClosed):
                self.submit(self._probe)


class Writer(BatchWriter[Database]):
    """SQLite's writer: a batch is one `BEGIN IMMEDIATE` transaction, a savepoint per write."""

    def _commit(self, db: Database, batch: list[Job]) -> None:
        results: list[Outcome] = []
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            for fn, future, _ in batch:
                results.append(self._apply(db, fn, future))
                if not db.conn.in_transaction:
                    # A full disk or an I/O error makes SQLite roll back the whole
                    # transaction: the writes before it are gone, the rest must not run
                    # outside it.
                    raise storage_error(results[-1][2]) or sqlite3.OperationalError(
                        "the transaction was rolled back"
                    )
            db.conn.execute("COMMIT")
            self.commits += 1
            self._note([error for _, _, error in results])
        except sqlite3.Error as exc:
            # Once the storage is known to fail, each retry failing too is no news.
            again = self.failure is not None and is_storage_error(exc)
            log.log(logging.DEBUG if again else logging.ERROR, "write batch failed: %s", exc)
            self._note([exc])
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            results = [(future, None, exc) for _, future, _ in batch]
        resolve(results)

    def _probe(self, db: Database) -> None:
        _touch(db)

    def _finish(self, db: Database) -> None:
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA optimize")  # keeps the planner's statistics fresh
        db.close()

    def _alone(self, db: Database, job: Job) -> None:
        fn, future, _ = job
        try:
            outcome: Outcome = (future, fn(db), None)
            if db.conn.in_transaction:  # the module opened one for a data change
                db.conn.execute("COMMIT")
        except Exception as exc:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            outcome = (future, None, exc)
        resolve([outcome])

    @staticmethod
    def _apply(db: Database, fn: Callable[[Database], Any], future: AnyFuture) -> Outcome:
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


def resolve(outcomes: list[Outcome]) -> None:
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
