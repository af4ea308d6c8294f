"""Rows written straight into a store's tables, the same on SQLite and PostgreSQL, for contract
tests whose areas are seeded by verbs of areas not ported yet (capture, questions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from bot.store import Store, twins


async def insert(store: Store, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert `rows` (column: value) into `table`, in one write."""
    rows = list(rows)

    def write(db: Any) -> None:
        mark = "%s" if store._backend == "postgresql" else "?"
        for row in rows:
            columns = ", ".join(f'"{c}"' for c in row)  # "user" is reserved on PostgreSQL
            marks = ", ".join(mark for _ in row)
            db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))

    await store._write(write)


def skip_unported(store: Store, *areas: str) -> None:
    """Skip on PostgreSQL while one of `areas` has no twins yet (they are ported elsewhere and
    joined at merge); the test then runs on both backends by itself."""
    if store._backend != "postgresql":
        return
    missing = sorted(set(areas) & set(twins.missing_twins()))
    if missing:
        pytest.skip(f"PostgreSQL twins of {', '.join(missing)} are not here yet")
