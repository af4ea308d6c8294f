"""Storage faults for tests: a database that is full, then has room again.

SQLite's `max_page_count` on the store's own writing connection: a write that needs a page
beyond it fails with SQLITE_FULL, "database or disk is full", exactly the error a full disk
gives. It is set through the store's writer, as every write is, so no test hook is needed in
the bot.
"""

from __future__ import annotations

import aiohttp
from sqlite_utils import Database

from bot.store import Store

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
    """Space comes back."""
    await store._write(_make_room)


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
