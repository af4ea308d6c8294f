"""The full-text statements of search and expert choice are planned for their own words, never
prepared: a generic plan of a prepared search, made after searches for common words, read the
whole index for a rare one (`bot/store/pg/search.py`). A topic's newest items come from an index
in its order, not from sorting every item with the topic."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store.pg import search as pg_search
from bot.store.pg.connect import connect
from bot.store.pg.experts import TOPIC_NEWEST
from bot.store.pg.hits import FACTS
from bot.store.pg.migrate import migrate
from bot.store.pg.store import PostgresStore
from bot.store.sql.experts import TOPIC_ITEMS
from bot.store.sql.search import parse_query
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


def test_a_topics_newest_items_are_read_in_index_order(pg_url: str) -> None:
    with connect(pg_url) as conn:
        migrate(conn)
        conn.execute("SET enable_seqscan = off")  # an empty table: a scan would cost as little
        rows = conn.execute(
            f"EXPLAIN {TOPIC_NEWEST}", [["vacuum", "tuning"], "T1", TOPIC_ITEMS]
        ).fetchall()
    plan = "\n".join(row[0] for row in rows)
    assert "item_terms_newest" in plan
    assert "Sort" not in plan  # the newest TOPIC_ITEMS of thousands, not all of them sorted


@pytest.mark.parametrize("pairs", [True, False])
async def test_reading_back_window_by_window_finds_the_same_newest(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, pairs: bool
) -> None:
    """A query reads the newest WINDOW documents, then a second window as far back as their
    density says, then every older match sorted: each way, the same newest matches as one read
    of everything (a small WINDOW makes a few documents take every path), for a phrase through
    its pairs or without them, for words apart, for one word, and for expert choice's word."""
    store = PostgresStore(pg_url, readers=1).open()
    try:
        texts = ["TIL design team notes", "TIL the team design", "TIL other things"]
        for n in range(12):
            await seed.item(store, f"I{n:02d}", texts[n % 3], n=n)
        if not pairs:
            monkeypatch.setattr(pg_search, "_pairs_query", lambda *_: None)
        expected = {
            '"design team"': ["I09", "I06", "I03"],
            "design team": ["I10", "I09", "I07"],
            "design": ["I10", "I09", "I07"],
        }
        for text, newest in expected.items():
            query = parse_query(text)
            assert query is not None
            found = {}
            for window, read_back in ((4096, 0), (2, 0), (2, 10**9), (5, 0), (1, 3)):
                monkeypatch.setattr(pg_search, "WINDOW", window)
                monkeypatch.setattr(pg_search, "READ_BACK", read_back)
                hits = await store._read(pg_search.candidates, query, [seed.T], 3)
                found[window, read_back] = [item_id for item_id, _ in hits]
                if text == "design":  # as expert choice reads a word's evidence
                    start = await store._read(pg_search._window)
                    evidence = await store._read(
                        pg_search._newest_matching, "'design'", [seed.T], 3, start
                    )
                    assert [item_id for item_id, _ in evidence] == newest
            assert found == {key: newest for key in found}, text
    finally:
        store.close()


def test_positions_read_from_a_tsvectors_text_are_unnests(pg_url: str) -> None:
    """Search reads the query's lexemes as tsvector text (cheaper than unnesting them): the
    same lexemes, positions and weights, quotes and backslashes included."""
    vectors = [
        "'a'' b':1A,2B,3C,4 'c\\\\d':5 'naïve':6A,9",
        "'x':1",
        "",
    ]
    with connect(pg_url) as conn:
        for text in vectors:
            rows = conn.execute(
                "SELECT t.lexeme, t.positions, t.weights FROM unnest(%s::tsvector) t", [text]
            ).fetchall()
            shown = conn.execute("SELECT %s::tsvector::text", [text]).fetchone()
            assert shown is not None
            expected = {
                lexeme: dict(zip(positions, weights, strict=True))
                for lexeme, positions, weights in rows
            }
            assert pg_search._positions(shown[0]) == expected
    assert pg_search._positions("'a'' b':1A,2B,3C,4")["a' b"] == {1: "A", 2: "B", 3: "C", 4: "D"}


def test_a_phrase_is_found_through_its_pairs_index(pg_url: str) -> None:
    """A phrase's documents come from the index of adjacent pairs, not from rechecking every
    document that holds both its words (the planner sees an empty table as cheap to scan)."""
    with connect(pg_url) as conn:
        migrate(conn)
        conn.execute("SET enable_seqscan = off")
        conn.execute(
            "INSERT INTO search_docs (item_id, team_id, scope, title, body)"
            " VALUES ('I1', 'T1', 'T1', 'Design', 'the design team met')"
        )
        pairs = conn.execute("SELECT pairs::text FROM search_docs").fetchone()
        assert pairs == ("'design team' 'team met' 'the design'",)  # not 'design the'
        rows = conn.execute(
            "EXPLAIN SELECT rowid FROM search_docs WHERE pairs @@ %s::tsquery",
            ["'design team'"],
        ).fetchall()
    assert "search_docs_pairs" in "\n".join(row[0] for row in rows)


def test_a_search_counts_its_candidates_votes_from_an_index_alone(pg_url: str) -> None:
    """Reading a search's candidates' facts counts their visible voters without visiting the
    votes table (migration 22; the planner sees an empty table as cheap to scan)."""
    with connect(pg_url) as conn:
        migrate(conn)
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        rows = conn.execute(f"EXPLAIN {FACTS}", {"ids": ["I1", "I2"], "visible": ["C1"]}).fetchall()
    plan = "\n".join(row[0] for row in rows)
    assert "Index Only Scan using votes_seen on votes" in plan
