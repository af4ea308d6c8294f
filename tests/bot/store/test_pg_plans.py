"""The full-text statements of search and expert choice are planned for their own words, never
prepared: a generic plan of a prepared search, made after searches for common words, read the
whole index for a rare one (`bot/store/pg/search.py`)."""

from __future__ import annotations

from typing import Any

from bot.store.pg.store import PostgresStore
from tests.bot.store import search_seed as seed


def prepared(db: Any) -> list[str]:
    return [row[0] for row in db.execute("SELECT statement FROM pg_prepared_statements")]


async def test_searches_many_times_over_never_prepare_the_matching(pg_url: str) -> None:
    store = PostgresStore(pg_url, readers=1).open()  # one reader: every search on one connection
    try:
        await seed.item(store, "I1", "kubernetes helm charts", title="Helm")
        for _ in range(12):  # psycopg prepares what runs five times
            assert await store.search(seed.T, "helm", [], seed.BASE + 10)
            assert await store.suggest(seed.T, "how do helm charts work?")
            question = await store.question(
                await store.create_question(seed.T, "U9", False, "helm?", "C1")
            )
            assert question is not None
            await store.expert_reason(question, "U1")
        statements = await store._read(prepared)
        assert statements  # the other statements were prepared: the check can see them
        assert [s for s in statements if "words @@" in s] == []
    finally:
        store.close()
