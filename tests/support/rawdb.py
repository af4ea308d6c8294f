"""Raw rows, for tests that must inspect or doctor what a store keeps.

A second connection to the store's file: WAL mode is on, so it sees what the store
committed, and what it commits here the store's readers see next.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.store import Store

T = TypeVar("T")


def raw(store: Store, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(db, *args)` on its own connection to the store's file, committed on success."""
    conn = sqlite3.connect(store.path, timeout=5)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        with conn:
            return fn(Database(conn), *args)
    finally:
        conn.close()
