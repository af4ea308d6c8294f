"""`Store`: domain actions over SQLite, async for the bot and sync-friendly for the import.

SQLite details stay in this package: callers see domain methods only. `Store(url)` with a
postgresql:// URL makes a `PostgresStore` (`bot/store/pg/store.py`), which offers the same
interface. Writes go through one writer thread with
group commit; reads run on a small pool of reader threads, each with its own connection.
This module holds only that plumbing; the verbs live in one module per area.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.dburl import is_postgres_url
from bot.models import ChannelInfo
from bot.store.asking import AskActions
from bot.store.capture import CaptureActions
from bot.store.digests import DigestActions
from bot.store.directory import DirectoryActions
from bot.store.figures import FiguresActions
from bot.store.graph import GraphActions
from bot.store.home import HomeActions
from bot.store.imports import ImportActions
from bot.store.inbox import InboxActions
from bot.store.installations import InstallationActions
from bot.store.leadership import LeadershipActions
from bot.store.leases import LeaseActions
from bot.store.migrations import check_version, migrate, schema_version
from bot.store.review import ReviewActions
from bot.store.sql import search_index, workspaces
from bot.store.team_settings import TeamSettingsActions
from bot.store.writer import Writer

T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000


def connect(path: str) -> Database:
    """Open a connection with the pragmas every Serendip connection uses."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit is on disk before the event is acknowledged, even across a power
    # loss; group commit pays one fsync per batch, so the cost stays small.
    db.execute("PRAGMA synchronous = FULL")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    # Deleted rows are overwritten with zeros, not merely unlinked: what forget-me and a
    # workspace purge delete must not stay readable in free space (some builds default to off).
    db.execute("PRAGMA secure_delete = ON")
    return db


class Store(
    CaptureActions,
    DirectoryActions,
    InboxActions,
    LeaseActions,
    DigestActions,
    AskActions,
    HomeActions,
    ReviewActions,
    FiguresActions,
    ImportActions,
    GraphActions,
    LeadershipActions,
    InstallationActions,
    TeamSettingsActions,
):
    """Serendip's data, named after what the bot does with it."""

    def __new__(cls, path: str | Path, *args: Any, **kwargs: Any) -> Store:
        """A postgresql:// URL makes a PostgresStore; a file path (or anything else) SQLite."""
        if cls is Store and isinstance(path, str) and is_postgres_url(path):
            from bot.store.pg.store import PostgresStore  # psycopg only when it is chosen

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(
        self,
        path: str | Path,
        readers: int = 2,
        clock: Callable[[], float] = time.time,
        migrate: bool = True,
    ) -> None:
        self.path = str(path)
        self._clock = clock  # every time the store stamps comes from here
        self._migrate = migrate  # False: refuse an older schema instead of migrating it
        self._writer = Writer(self._connect_and_migrate)
        self._local = threading.local()
        self._connections: list[Database] = []
        self._lock = threading.Lock()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="serendip-reader")
        self._uninstalled: dict[str, int] = {}
        self._team_settings: dict[str, tuple[float, dict[str, str]]] = {}
        self._activity: dict[str, int] = {}
        self._channels: dict[tuple[str, str], ChannelInfo] = {}
        self._channel_changes = 0
        self._outsiders: dict[tuple[str, str], bool] = {}
        self._noted: dict[tuple[str, str], float] = {}
        self._nda: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self.opened = False

    def _connect_and_migrate(self) -> Database:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = connect(self.path)
        if self._migrate:
            migrate(db)
        else:
            check_version(schema_version(db), migrating=False)
        return db

    def open(self) -> Store:
        """Open the file, apply migrations and start the writer."""
        self._writer.start()
        if self._read_sync(search_index.needs_reindex):
            self._write_sync(search_index.reindex_all)  # first start after an upgrade
        self._uninstalled = self._read_sync(workspaces.uninstalled_teams)
        self.opened = True
        return self

    def close(self) -> None:
        """Finish pending writes and close every connection."""
        self._writer.close()
        self._readers.shutdown(wait=True)
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self.opened = False

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the database while it is in use (SQLite online backup)."""
        source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest, pages=256)
        finally:
            dest.close()
            source.close()

    @property
    def write_failure(self) -> str | None:
        """Why the last write failed for want of storage (full, read-only, I/O); None once
        one succeeds again."""
        return self._writer.failure

    @property
    def shared(self) -> bool:
        """Whether several processes may serve this database at once (PostgreSQL's replicas;
        a SQLite file has one `serendip run`)."""
        return self._backend == "postgresql"

    @property
    def commits(self) -> int:
        """How many transactions the writer committed (for benchmarks and tests)."""
        return self._writer.commits

    # -- plumbing ---------------------------------------------------------------------------
    def _reader_db(self) -> Database:
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path)
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def _read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a read on a reader thread and wait (start-up and the import)."""
        return self._readers.submit(lambda: fn(self._reader_db(), *args)).result()

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, lambda: fn(self._reader_db(), *args))

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._writer.run(lambda db: fn(db, *args))

    async def _write_alone(self, fn: Callable[..., T], *args: Any) -> T:
        """A write outside any transaction (VACUUM, checkpoints), still the one writer's."""
        return await self._writer.run(lambda db: fn(db, *args), alone=True)

    def _write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a write and wait for its commit (start-up and the import)."""
        return self._writer.submit(lambda db: fn(db, *args)).result()

    def _submit_write(self, fn: Callable[[Database], T]) -> Future[T]:
        """Queue a write without waiting; the future resolves after its commit (the import
        reads the next files meanwhile)."""
        return self._writer.submit(fn)
