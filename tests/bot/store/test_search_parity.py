"""The same corpus on SQLite and on PostgreSQL answers hundreds of queries identically: the same
items in the same order with the same scores (search), the same suggestions, the same expert
evidence. Words are drawn from a vocabulary the two tokenizers agree on (see pg/search.py for
where they do not)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Hit, Store
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
