"""`PostgresStore`: the same verbs as `Store`, run against PostgreSQL.

Reads take a connection from a pool on the reader threads. Writes keep the one-writer
contract: one thread with its own connection runs them in the order they were queued, each in
its own transaction (no group commit yet), and a caller that got its answer knows the write is
committed. Every SQL function a verb names runs as its PostgreSQL twin (`bot.store.twins`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from psycopg import Connection
from psycopg_pool import ConnectionPool

from bot.dburl import redact
from bot.store.pg.connect import connect
from bot.store.pg.migrate import migrate
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
        self._writer_conn: Conn | None = None
        self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="serendip-pg-writer")
        self._commits = 0

    def open(self) -> PostgresStore:
        """Refuse while areas are not ported; else connect, migrate (under the lock), serve."""
        missing = unported_line()
        if missing and not self._partial:
            raise NotReady(missing)
        self._writer_conn = connect(self._url)  # one clear line if it cannot
        try:
            migrate(self._writer_conn, migrating=self._migrate)
        except BaseException:
            self._writer_conn.close()
            self._writer_conn = None
            raise
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
        self._write_thread.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        if self._pool is not None:
            self._pool.close()
        if self._writer_conn is not None:
            self._writer_conn.close()
        self.opened = False

    def backup(self, target: str | Path) -> None:
        """PostgreSQL has its own tools for a consistent copy."""
        raise NotReady("on PostgreSQL, back up with pg_dump (serendip backup copies SQLite)")

    @property
    def write_failure(self) -> str | None:
        """Storage failures are PostgreSQL's to report; none is tracked here yet."""
        return None

    @property
    def commits(self) -> int:
        """How many write transactions committed."""
        return self._commits

    # -- plumbing ---------------------------------------------------------------------------
    def _run_read(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._pool is not None, "the store is not open"
        call = twin(fn, "postgresql")
        with self._pool.connection() as conn:
            return call(conn, *args)

    def _run_write(self, fn: Callable[..., T], args: tuple[Any, ...], alone: bool) -> T:
        conn = self._writer_conn
        assert conn is not None, "the store is not open"
        call = twin(fn, "postgresql")
        if alone:
            return call(conn, *args)
        with conn.transaction():
            result = call(conn, *args)
        self._commits += 1
        return result

    def _read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return self._readers.submit(self._run_read, fn, *args).result()

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self._readers.submit(self._run_read, fn, *args))

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(
            self._write_thread.submit(self._run_write, fn, args, False)
        )

    async def _write_alone(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self._write_thread.submit(self._run_write, fn, args, True))

    def _write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return self._write_thread.submit(self._run_write, fn, args, False).result()

    def _submit_write(self, fn: Callable[[Any], T]) -> Future[T]:
        return self._write_thread.submit(self._run_write, fn, (), False)
