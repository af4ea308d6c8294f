"""Raw rows for the contract suite, on either backend (state no verb makes, such as old flags)."""

from __future__ import annotations

from typing import Any

from bot.store import Store


async def insert(store: Store, table: str, **row: Any) -> None:
    """Put one raw row in a table, on either backend (for state no ported verb can make)."""
    mark = "%s" if store._backend == "postgresql" else "?"
    columns = ", ".join(f'"{name}"' for name in row)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(mark for _ in row)})"

    def put(db: Any) -> None:
        db.execute(sql, list(row.values()))

    await store._write(put)
