"""`PostgresStore`: the same verbs as `Store`, run against PostgreSQL.

Reads take a connection from a pool on the reader threads. Writes keep the one-writer
contract (`bot/store/pg/writer.py`): one thread with its own connection runs them in the order
they were queued, a savepoint each in one transaction per batch (group commit), and a caller
that got its answer knows the write is committed. Every SQL function a verb names runs as its
PostgreSQL twin (`bot.store.twins`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from psycopg import Connection
from psycopg_pool import ConnectionPool

from bot.dburl import redact, where
from bot.store.pg.connect import connect
from bot.store.pg.copy_target import refuse_half_copied
from bot.store.pg.dump import dump
from bot.store.pg.leader_lock import PgLeaderLock
from bot.store.pg.migrate import migrate
from bot.store.pg.writer import PgWriter
from bot.store.sql import workspaces
from bot.store.store import Store
from bot.store.twins import Backend, twin, unported_line

T = TypeVar("T")
Conn = Connection[Any]


class NotReady(RuntimeError):
    """PostgreSQL cannot serve every verb yet; the message names the areas still missing."""


class PostgresStore(Store):
    """Serendip's data in PostgreSQL; `Store(url)` makes one for a postgresql:// URL."""

    _backend: Backend = "postgresql"

    def __init__(
        self,
        path: str | Path,
        readers: int = 2,
        clock: Callable[[], float] = time.time,
        migrate: bool = True,
        partial: bool = False,
    ) -> None:
        super().__init__(redact(str(path)), readers, clock, migrate)
        self._url = str(path)
        self._readers_n = max(1, readers)
        # Open though an area lacks its twin: contract tests only, never served (every area
        # is ported; an area added to the SQLite floor alone makes `serendip run` refuse).
        self._partial = partial
        self._pool: ConnectionPool[Conn] | None = None
        self._pg_writer: PgWriter | None = None

    def open(self) -> PostgresStore:
        """Refuse while areas are not ported; else connect, migrate (under the lock), serve."""
        missing = unported_line()
        if missing and not self._partial:
            raise NotReady(missing)
        first = connect(self._url)  # one clear line if it cannot
        try:
            migrate(first, migrating=self._migrate)
            refuse_half_copied(first, where(self._url))  # a half-copied database is not served
        except BaseException:
            first.close()
            raise
        self._pg_writer = PgWriter(first, lambda: connect(self._url))
        self._pg_writer.start()
        self._pool = ConnectionPool(
            self._url,
            min_size=1,
            max_size=self._readers_n,
            kwargs={"autocommit": True},
            open=True,
            name="serendip-readers",
        )
        # No first-start reindex as SQLite's: PostgreSQL had search_docs from its first
        # migration (`bot/store/pg/search_index.py`, `needs_reindex`).
        self._uninstalled = self._read_sync(workspaces.uninstalled_teams)
        self.opened = True
        return self

    def close(self) -> None:
        """Finish queued writes and close every connection."""
        if self._pg_writer is not None:
            self._pg_writer.close()
        self._readers.shutdown(wait=True)
        if self._pool is not None:
            self._pool.close()
        self.opened = False

    def backup(self, target: str | Path) -> None:
        """A consistent copy through pg_dump (custom format), or one line saying it is the
        tool when it is not installed."""
        dump(self._url, Path(target))

    @property
    def write_failure(self) -> str | None:
        """Why the last write failed (the server gone, out of disk); None once one succeeds."""
        return None if self._pg_writer is None else self._pg_writer.failure

    @property
    def commits(self) -> int:
        """How many write transactions committed."""
        return 0 if self._pg_writer is None else self._pg_writer.commits

    # -- plumbing ---------------------------------------------------------------------------
    def _run_read(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._pool is not None, "the store is not open"
        call = twin(fn, "postgresql")
        with self._pool.connection() as conn:
            return call(conn, *args)

    def _read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return self._readers.submit(self._run_read, fn, *args).result()

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self._readers.submit(self._run_read, fn, *args))

    def _writes(self) -> PgWriter:
        assert self._pg_writer is not None, "the store is not open"
        return self._pg_writer

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        call = twin(fn, "postgresql")
        return await self._writes().run(lambda conn: call(conn, *args))

    async def _write_alone(self, fn: Callable[..., T], *args: Any) -> T:
        call = twin(fn, "postgresql")
        return await self._writes().run(lambda conn: call(conn, *args), alone=True)

    def _write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        call = twin(fn, "postgresql")
        return self._writes().submit(lambda conn: call(conn, *args)).result()

    def _submit_write(self, fn: Callable[[Any], T]) -> Future[T]:
        return self._writes().submit(twin(fn, "postgresql"))

    def leader_lock(self) -> PgLeaderLock:
        """The advisory lock that decides which replica leads, on a connection of its own."""
        return PgLeaderLock(self._url)
