"""Storage faults for tests: a database that is full, then has room again.

SQLite's `max_page_count` on the store's own writing connection: a write that needs a page
beyond it fails with SQLITE_FULL, "database or disk is full", exactly the error a full disk
gives. It is set through the store's writer, as every write is, so no test hook is needed in
the bot.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
from sqlite_utils import Database

from bot.store import Store, is_storage_error
from tests.support.environment import child_env

ROOMY = 1_073_741_823  # SQLite's default max_page_count


def _fill(db: Database) -> None:
    # Free pages would take new rows without growing the file: use them up first.
    db.execute("CREATE TABLE IF NOT EXISTS test_filler (b BLOB)")
    free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    page = int(db.execute("PRAGMA page_size").fetchone()[0])
    if free:
        db.execute("INSERT INTO test_filler VALUES (zeroblob(?))", [free * page])
    db.execute("PRAGMA max_page_count = 1")  # SQLite raises it to the current size


def _make_room(db: Database) -> None:
    db.execute(f"PRAGMA max_page_count = {ROOMY}")


async def fill_disk(store: Store) -> None:
    """From now on, every write that needs a new page fails with "database or disk is full"."""
    await store._write(_fill)


async def make_room(store: Store) -> None:
    """Space comes back (once it took: a write of the bot's that fails in the same batch rolls
    the whole batch back, this too)."""
    while True:
        try:
            await store._write(_make_room)
            return
        except sqlite3.Error as exc:
            if not is_storage_error(exc):
                raise


async def health(port: int) -> tuple[int, dict[str, object]]:
    """What `/healthz` answers: its status and JSON body."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


def long_message(url: str, words: int = 800) -> str:
    """A message whose capture needs new pages (its text, its index entries)."""
    return f"<{url}> " + " ".join(f"lesson{i}x{url[-3:]}" for i in range(words))


# The CLI in a child process whose every file write fails once it has started (RLIMIT_FSIZE
# 0; Python ignores SIGXFSZ, so writes fail with EFBIG). Its imports come first: they write.
FULL_DISK_CLI = (
    "import resource, sys\n"
    "from bot.cli.main import main\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


async def cli_on_full_disk(
    db: Path, argv: list[str], readable: bool = True, room: int = 0, **settings: str
) -> tuple[int, str]:
    """`serendip ARGV` on `db` with a full disk: (exit status, what it printed to stderr).

    When `readable`, a connection held open meanwhile keeps SQLite's shared-memory file at
    its size, so the child can still open and read the database; only its writes fail. With
    `room`, the files may still grow to that many bytes (the write-ahead log starts empty).
    """
    reader = sqlite3.connect(db)
    try:
        if readable:
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            FULL_DISK_CLI,
            str(room),
            *argv,
            env=child_env(SERENDIP_DB=str(db), **settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _, err = await child.communicate()
    finally:
        reader.close()
    return int(child.returncode or 0), err.decode()


def full_disk_error() -> sqlite3.OperationalError:
    """The exception SQLite raises when the disk is full (SQLITE_FULL)."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13
    error.sqlite_errorname = "SQLITE_FULL"
    return error


async def make_read_only(store: Store) -> None:
    """From now on every write fails as on a read-only file (SQLITE_READONLY); for good."""
    await store._write(lambda db: db.execute("PRAGMA query_only = 1"))
