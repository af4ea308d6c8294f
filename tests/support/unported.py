"""Contract tests that reach areas whose PostgreSQL twins come from other branches.

Such a test skips on PostgreSQL, naming what it waits for, while any of those areas has no
twin; once they are merged it runs on both backends with no change.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.store import Store
from bot.store.twins import missing_twins


def needs_twins(store: Store, *areas: str) -> None:
    """Skip on PostgreSQL while any of `areas` (modules of bot/store/sql) lacks twins."""
    if store._backend != "postgresql":
        return
    waiting = sorted(set(areas) & set(missing_twins()))
    if waiting:
        pytest.skip(f"PostgreSQL twins not merged yet: {', '.join(waiting)}")


async def insert(store: Store, table: str, **row: Any) -> None:
    """Put one raw row in a table, on either backend (for state no ported verb can make)."""
    mark = "%s" if store._backend == "postgresql" else "?"
    columns = ", ".join(f'"{name}"' for name in row)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(mark for _ in row)})"

    def put(db: Any) -> None:
        db.execute(sql, list(row.values()))

    await store._write(put)
