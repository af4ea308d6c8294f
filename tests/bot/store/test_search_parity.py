"""The same corpus on SQLite and on PostgreSQL answers hundreds of queries identically: the same
items in the same order with the same scores (search), the same suggestions, the same expert
evidence. Words are drawn from a vocabulary the two tokenizers agree on (see pg/search.py for
where they do not)."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Hit, Store
from bot.store.pg.connect import connect
from bot.store.pg.migrate import migrate
from bot.store.pg.store import PostgresStore
from bot.store.sql import experts
from bot.store.sql.search import parse_query
from tests.bot.store.search_seed import BASE, T, item, share, vote
from tests.support.clock import ticking

WORDS = (
    "kafka consumer consumers consuming groups grouped retention offsets offset rebalance"
    " postgres vacuum vacuuming indexes index indexed terraform state locking locks locked"
    " café naïve résumé über deploy deploys deployed deploying rollback rollbacks canary"
    " example.com foo-bar snake_case v2 2024 42 runbook on-call pager alert alerts alerting"
    " привет мир 東京 quick brown fox jumps lazy dog the and of in to a"
)
VOCABULARY = WORDS.split(" ")
NOW = float(BASE + 30 * 86400)


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(n)]
    if rng.random() < 0.3:
        words = [w.capitalize() for w in words]
    return " ".join(words) + rng.choice(["", ".", "!", "?"])


async def seed(store: Store) -> None:
    rng = random.Random(16)
    for n in range(60):
        title = sentence(rng, rng.randint(1, 5)) if rng.random() < 0.4 else None
        text = sentence(rng, rng.randint(1, 40))
        private = rng.random() < 0.15
        channel = "G1" if private else "C1"
        user = f"U{rng.randint(1, 6)}"
        at = n * 3600 - rng.randint(0, 200) * 86400
        await item(store, f"i{n:02d}", text, title=title, n=at, channel=channel, user=user)
        if not private and rng.random() < 0.2:
            await share(store, f"i{n:02d}", sentence(rng, 6), n=at + 1, channel="G1", private=True)
        for voter in rng.sample(["U7", "U8", "U9", "U10"], rng.randint(0, 4)):
            await vote(store, f"i{n:02d}", voter, private=rng.random() < 0.2)


@pytest.fixture
async def both(pg_url: str, tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    lite = Store(tmp_path / "s.db", clock=ticking()).open()
    pg = PostgresStore(pg_url, clock=ticking(), partial=True).open()
    try:
        await seed(lite)
        await seed(pg)
        yield lite, pg
    finally:
        lite.close()
        pg.close()


def queries(count: int) -> list[str]:
    rng = random.Random(42)
    typed = []
    for _ in range(count):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(1, 3))]
        if len(words) > 1 and rng.random() < 0.3:
            words = ['"' + " ".join(words[:2]) + '"', *words[2:]]
        typed.append(" ".join(words))
    return typed


def shown(hits: list[Hit]) -> list[tuple[str, str | None, int, float]]:
    return [(h.item_id, h.text, h.votes, round(h.score, 9)) for h in hits]


async def test_search_ranks_the_same_on_both(both: tuple[Store, Store]) -> None:
    lite, pg = both
    found = 0
    for typed in queries(250):
        for private in ([], ["G1"]):
            a = await lite.search(T, typed, private, now=NOW)
            b = await pg.search(T, typed, private, now=NOW)
            assert shown(a) == shown(b), (typed, private)
            found += len(a)
    assert found > 300  # the queries do find things


async def test_suggestions_are_the_same_on_both(both: tuple[Store, Store]) -> None:
    lite, pg = both
    for typed in queries(120):
        a = await lite.suggest(T, typed + " " + typed.split()[-1] + " zebra", ["G1"], 5)
        b = await pg.suggest(T, typed + " " + typed.split()[-1] + " zebra", ["G1"], 5)
        assert shown(a) == shown(b), typed


async def test_expert_evidence_is_the_same_on_both(both: tuple[Store, Store]) -> None:
    lite, pg = both
    for typed in queries(80):
        query = parse_query(typed, any_word=True)
        for scopes in ([T], [T, f"{T}/G1"]):
            a = await lite._read(experts.evidence, T, query, typed, scopes)
            b = await pg._read(experts.evidence, T, query, typed, scopes)
            assert a.keys() == b.keys(), typed
            assert all(a[k] == pytest.approx(b[k]) for k in a), typed
            people = await lite._read(experts.score_people, T, a, scopes)
            assert people == pytest.approx(await pg._read(experts.score_people, T, b, scopes))


def letters() -> list[str]:
    """Latin letters with and without accents, Greek and Cyrillic ones."""
    spans = ((0xC0, 0x250), (0x386, 0x3CF), (0x400, 0x460), (0x1E00, 0x1F00))
    return [chr(c) for a, b in spans for c in range(a, b) if chr(c).isalpha()]


def bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def test_letters_fold_as_fts5_folds_them(pg_url: str) -> None:
    """Every letter, alone and unaccented, finds the same words on both: FTS5 drops Latin
    accents only and folds final sigma and long s; the one difference is Livonian ǡ."""
    chars = letters()
    words = [f"qq{c}zz" for c in chars]
    lite = sqlite3.connect(":memory:")
    lite.execute(
        "CREATE VIRTUAL TABLE f USING fts5(body,"
        " tokenize='porter unicode61 remove_diacritics 2')"  # search_fts's tokenizer
    )
    lite.executemany("INSERT INTO f (rowid, body) VALUES (?, ?)", enumerate(words))
    typed = {f"qq{c.lower()}zz" for c in chars} | {f"qq{bare(c.lower())}zz" for c in chars}
    differ: set[tuple[str, str]] = set()
    with connect(pg_url) as conn:
        migrate(conn)
        conn.execute(
            "CREATE TEMP TABLE d AS SELECT n - 1 AS id,"
            " to_tsvector('serendip_search', serendip_words(w)) AS v"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, n)",
            [words],
        )
        for word in sorted(typed):
            ours = {
                r[0] for r in lite.execute("SELECT rowid FROM f WHERE f MATCH ?", [f'"{word}"'])
            }
            theirs = {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM d WHERE v @@ phraseto_tsquery('serendip_search',"
                    " serendip_words(%s))",
                    [word],
                )
            }
            differ |= {(word, chars[i]) for i in ours ^ theirs}
    assert differ
    assert {(w, c) for w, c in differ if "ǡ" not in w and c not in "Ǡǡ"} == set()
