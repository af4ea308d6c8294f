"""Two replicas' stores writing to one PostgreSQL database at once: the search documents of
items shared at the same moment (the same rowid range), and of the same links shared on both,
are written without a conflict."""

from __future__ import annotations

import asyncio

import psycopg

from bot.store.pg.store import PostgresStore
from tests.support.seed import channel, share

AT = 1_780_315_200.0
LINKS = 25


async def test_two_replicas_index_the_same_moment(pg_url: str) -> None:
    stores = [PostgresStore(pg_url), PostgresStore(pg_url)]
    for store in stores:
        await asyncio.to_thread(store.open)
    try:
        await channel(stores[0], "C1", "general")
        await channel(stores[0], "C2", "random")

        async def shares(store: PostgresStore, cid: str) -> None:
            for n in range(LINKS):  # one message each, all at one moment, some on both
                await share(store, cid, "U1", f"https://same.example/{n}", AT + n / 1e6)
                await share(store, cid, "U1", f"https://{cid}.example/{n}", AT + n / 1e6 + 0.5)

        await asyncio.gather(shares(stores[0], "C1"), shares(stores[1], "C2"))
    finally:
        for store in stores:
            await asyncio.to_thread(store.close)
    with psycopg.connect(pg_url) as conn:
        items = conn.execute("SELECT count(*) FROM items").fetchone()
        docs = conn.execute("SELECT count(DISTINCT item_id) FROM search_docs").fetchone()
    assert items == (3 * LINKS,)
    assert docs == (3 * LINKS,)
