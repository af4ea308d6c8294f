"""Every PostgreSQL connection of the store plans each query for its own values: a generic
plan of a prepared search, made after searches for common words, reads the whole index for a
rare one (`bot.store.pg.connect.configure`)."""

from __future__ import annotations

from typing import Any

from bot.store.pg.store import PostgresStore


def plan_mode(db: Any) -> str:
    return str(db.execute("SHOW plan_cache_mode").fetchone()[0])


async def test_readers_and_the_writer_plan_for_each_query(pg_url: str) -> None:
    store = PostgresStore(pg_url, readers=2).open()
    try:
        assert await store._read(plan_mode) == "force_custom_plan"
        assert await store._write(plan_mode) == "force_custom_plan"
    finally:
        store.close()
