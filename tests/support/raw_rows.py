"""Raw rows for the contract suite, on either backend (state no verb makes, such as old flags)."""

from __future__ import annotations

from typing import Any

from bot.store import Store
from tests.bot.store.seed import insert as insert_rows


async def insert(store: Store, table: str, **row: Any) -> None:
    """Put one raw row in a table, on either backend (for state no ported verb can make)."""
    await insert_rows(store, table, [row])
