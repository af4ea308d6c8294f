"""Search behaves the same on SQLite (FTS5) and PostgreSQL (tsvector): visibility, the newest
and the well-voted candidates, ranking, words as words whatever is typed, and knowledge gaps."""

from __future__ import annotations

import pytest

from bot.store import Store
from bot.store.sql import search, search_index
from bot.store.sql.search import parse_query
from tests.bot.store.search_seed import BASE, T, backend_fn, flag, item, run, share, sql, vote

NOW = float(BASE + 86400)


async def test_private_documents_are_found_only_through_their_channel(any_store: Store) -> None:
    await item(any_store, "i1", "TIL public walrus facts")
    await share(any_store, "i1", "TIL secret walrus plans", n=1, channel="G1", private=True)
    outside = await any_store.search(T, "walrus", now=NOW)
    assert [h.text for h in outside] == ["TIL public walrus facts"]
    assert await any_store.search(T, "secret plans", now=NOW) == []
    assert await any_store.search(T, "secret plans", ["G2"], now=NOW) == []
    inside = await any_store.search(T, "secret plans", ["G1"], now=NOW)
    assert [h.channel for h in inside] == ["C1"]  # the item, shown by its public share
    assert await any_store.search("T2", "walrus", now=NOW) == []


async def test_a_private_only_item_shows_its_private_share(any_store: Store) -> None:
    await item(any_store, "i1", "TIL hidden <@U9> narwhal", channel="G1", private=True)
    await sql(any_store, "INSERT INTO users (team_id, id, name) VALUES (?, 'U9', 'Ana')", T)
    [hit] = await any_store.search(T, "narwhal", ["G1"], now=NOW)
    assert hit.text == "TIL hidden @Ana narwhal"
    assert await any_store.search(T, "narwhal", now=NOW) == []


async def test_only_the_newest_matches_are_ranked_and_well_voted_old_ones(
    any_store: Store,
) -> None:
    for n in range(6):
        await item(any_store, f"i{n}", f"TIL common thing {n}", n=n)
    for voter in ("U2", "U3", "U4"):
        await vote(any_store, "i0", voter)  # the oldest is well voted
    query = parse_query("common")
    assert query is not None
    hits = await any_store._read(search.search, T, query, [], NOW, 2)
    assert [h.item_id for h in hits] == ["i0", "i5", "i4"]
    assert hits[0].votes == 3
    await sql(any_store, "DELETE FROM votes WHERE voter = 'U4'")
    await any_store._write(search_index.sync_item, T, "i0")
    hits = await any_store._read(search.search, T, query, [], NOW, 2)
    assert [h.item_id for h in hits] == ["i5", "i4"]  # two voters: no longer well voted


async def test_private_votes_do_not_make_an_item_well_voted(any_store: Store) -> None:
    await item(any_store, "i1", "TIL public otters")
    for voter in ("U3", "U4", "U5"):
        await vote(any_store, "i1", voter, private=True)
    assert await sql(any_store, "SELECT max(top) FROM search_docs") == [(0,)]
    assert [h.votes for h in await any_store.search(T, "otters", now=NOW)] == [0]
    assert [h.votes for h in await any_store.search(T, "otters", ["G1"], now=NOW)] == [3]


async def test_ranking_weighs_title_body_votes_and_age(any_store: Store) -> None:
    await item(any_store, "body", "a long note that mentions kafka once among many other words")
    await item(any_store, "title", "see link", title="Kafka consumer groups", n=1)
    await item(any_store, "often", "kafka kafka kafka", n=2)
    await item(any_store, "old", "kafka", n=-400 * 86400)
    hits = await any_store.search(T, "kafka", now=NOW)
    assert [h.item_id for h in hits] == ["title", "often", "body", "old"]
    # The same scores on both: FTS5's highlight() marks, counted again from the tsvector.
    assert [round(h.score, 4) for h in hits] == [0.9981, 0.4888, 0.3702, 0.2526]
    for voter in ("U2", "U3"):
        await vote(any_store, "body", voter)
    hits = await any_store.search(T, "kafka", now=NOW)
    assert [h.item_id for h in hits] == ["title", "body", "often", "old"]


async def test_an_item_with_three_flags_is_hidden(any_store: Store) -> None:
    await item(any_store, "i1", "TIL otters hold hands")
    for flagger in ("U2", "U3"):
        await flag(any_store, "i1", flagger)
    assert len(await any_store.search(T, "otters", now=NOW)) == 1
    await flag(any_store, "i1", "U4")
    assert await any_store.search(T, "otters", now=NOW) == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Running", ["i1"]),  # stems: runs, running
        ("cafe", ["i2"]),  # accents dropped: café
        ("CAFÉ", ["i2"]),
        ("naïve", ["i2"]),
        ("example", ["i3"]),  # punctuation separates: example.com
        ("foo", ["i3"]),  # foo-bar
        ("snake", ["i3"]),  # snake_case: two words
        ('"quick brown"', ["i1"]),  # a phrase
        ('"brown quick"', []),  # not in that order
        ("brown quick", ["i1"]),  # every word, any order
        ("привет", ["i4"]),  # other scripts, folded
        ("ПРИВЕТ мир", ["i4"]),
        ("東京", ["i4"]),
        ("quick zebra", []),
        ("", []),
    ],
)
async def test_words_match_as_fts5_tokenizes_them(
    any_store: Store, typed: str, found: list[str]
) -> None:
    await item(any_store, "i1", "The quick brown fox runs far")
    await item(any_store, "i2", "TIL about the Café of naive people", n=1)
    await item(any_store, "i3", "docs at example.com: foo-bar and snake_case", n=2)
    await item(any_store, "i4", "Привет, мир! 東京 in unicode", n=3)
    assert [h.item_id for h in await any_store.search(T, typed, now=NOW)] == found


HOSTILE = [
    '"',
    '"walrus',
    'walrus"',
    "walrus*",
    "*",
    "walrus AND",
    "AND walrus OR NOT",
    "NEAR(walrus tusks)",
    "NEAR(",
    "-walrus",
    "walrus -tusks",
    "walrus:tusks",
    "title:walrus",
    "walrus:*",
    "walrus & tusks | !x ( )",
    "&|!()<->",
    "walrus \\ tusks \\\\",
    "\\'walrus'",
    "'; DROP TABLE items; --",
    "%_walrus%",
    "wålrus",
    "WALRUS 🦭",
    "walrus\x00tusks",
    "\x00 * \x00",
    "\u200bwalrus\u200b",
    " ".join(["walrus"] + [f"tusks{i}" for i in range(499)]),
    " ".join(["walrus"] * 500),
    '"' + " ".join(["walrus tusks"] * 300) + '"',  # one phrase of 600 words
    '"' + " ".join(["walrus tusks"] * 1000) + '"',  # cut at 4,000 characters: loose words
    '"walrus tusks grow" "tusks grow"',
]


@pytest.mark.parametrize("typed", HOSTILE)
async def test_hostile_queries_are_only_words(any_store: Store, typed: str) -> None:
    await item(any_store, "i1", "TIL walrus tusks grow", title="Walrus: tusks")
    hits = await any_store.search(T, typed, now=NOW)
    query = parse_query(typed)
    words = set(query.words) if query else set()
    if words and words <= {"walrus", "tusks", "walrus tusks"}:
        assert [h.item_id for h in hits] == ["i1"]
    suggested = await any_store.suggest(T, typed)
    assert [h.item_id for h in suggested] in ([], ["i1"])
    await any_store.record_gap(T, typed)


async def test_hostile_queries_find_the_item_they_name(any_store: Store) -> None:
    await item(any_store, "i1", "TIL walrus tusks grow")
    for typed in ('"walrus', "walrus*", "(walrus)", "-walrus", "walrus:*", "wålrus", "WALRUS"):
        assert [h.item_id for h in await any_store.search(T, typed, now=NOW)] == ["i1"], typed
    many = " ".join(["walrus"] + [f"tusks{i}" for i in range(499)])
    assert await any_store.search(T, many, now=NOW) == []  # every word must match


async def test_knowledge_gaps_count_the_same_words_once(any_store: Store) -> None:
    await any_store.record_gap(T, "kafka retention")
    await any_store.record_gap(T, "retention KAFKA?")
    await any_store.record_gap(T, "'; DROP TABLE items; --")
    await any_store.record_gap("T2", "kafka retention")
    gaps = await any_store.knowledge_gaps(T, 0.0)
    assert gaps == [("kafka retention", 2), ("drop items table", 1)]
    assert await any_store.knowledge_gaps(T, 0.0, limit=1) == [("kafka retention", 2)]
    assert await any_store.knowledge_gaps(T, 0.0, 1.0) == []


async def test_the_index_follows_edits_and_deletes(any_store: Store) -> None:
    await item(any_store, "i1", "TIL otters hold hands")
    assert len(await any_store.search(T, "otters", now=NOW)) == 1
    await sql(any_store, "UPDATE shares SET text = 'TIL beavers build dams' WHERE item_id = 'i1'")
    await any_store._write(search_index.sync_item, T, "i1")
    assert await any_store.search(T, "otters", now=NOW) == []
    assert len(await any_store.search(T, "beavers", now=NOW)) == 1
    await any_store._write(search_index.drop_item, "i1")
    assert await sql(any_store, "SELECT count(*) FROM search_docs") == [(0,)]


async def test_reindex_rebuilds_every_document(any_store: Store) -> None:
    await item(any_store, "i1", "TIL otters hold hands")
    await item(any_store, "i2", "TIL secret otters", n=1, channel="G1", private=True)
    before = await sql(any_store, "SELECT rowid, scope, title, body FROM search_docs ORDER BY 1")
    assert not await any_store._read(search_index.needs_reindex)
    await sql(any_store, "DELETE FROM search_docs")
    assert await any_store._read(search_index.needs_reindex)
    assert await any_store.reindex() == 2
    after = await sql(any_store, "SELECT rowid, scope, title, body FROM search_docs ORDER BY 1")
    assert after == before
    assert before[0][0] == BASE * 1000 << 10  # rowids follow the first share, in milliseconds
    assert [h.item_id for h in await any_store.search(T, "otters", ["G1"], now=NOW)] == [
        "i2",
        "i1",
    ]


async def test_documents_added_and_dropped_in_bulk(any_store: Store) -> None:
    """The import's path: well-voted items of a chunk, documents written and dropped at once."""
    await item(any_store, "i1", "TIL otters hold hands")
    for voter in ("U2", "U3", "U4"):
        await vote(any_store, "i1", voter)

    def chunk(db: object) -> set[str]:
        run(db, "CREATE TEMP TABLE chunk_items (item_id TEXT)")
        run(db, "INSERT INTO chunk_items VALUES ('i1'), ('i2')")
        try:
            return backend_fn(any_store, search_index.well_voted)(db, "chunk_items")  # type: ignore[no-any-return]
        finally:
            run(db, "DROP TABLE chunk_items")

    assert await any_store._write(chunk) == {"i1"}
    rowid = (BASE + 5) * 1000 << 10
    doc = (rowid, "i9", T, T, "Bulk title", "imported narwhal notes", 1)
    await any_store._write(search_index.add_docs, [doc])
    query = parse_query("narwhal")
    assert query is not None
    assert [i for i, _ in await any_store._read(search.candidates, query, [T])] == ["i9"]
    top = await any_store._read(search.candidates, query, [T], 10, "search_top")
    assert [i for i, _ in top] == ["i9"]
    await any_store._write(search_index.drop_docs, [(rowid, *doc[4:6], T, 1)])
    assert await any_store._read(search.candidates, query, [T]) == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ('"walrus tusks"', ["i1", "i3", "i5"]),  # side by side, in the title or the body
        ('"tusks walrus"', ["i4"]),  # the order counts
        ('"grow walrus"', []),  # the title's last word and the body's first: no phrase
        ('"walrus walrus"', ["i4"]),  # a word twice
        ('"walrus tusks grow"', ["i1"]),
        ('"tusks grow" "walrus tusks"', ["i1"]),
        ('"walrus grow"', []),  # both words, not side by side
    ],
)
async def test_phrases_need_their_words_side_by_side(
    any_store: Store, typed: str, found: list[str]
) -> None:
    await item(any_store, "i1", "walrus tusks grow slowly", title="Tusks grow")
    await item(any_store, "i2", "walrus and then tusks; grow", title="tusks grow", n=1)
    await item(any_store, "i3", "Walrus, tusks!", n=2)
    await item(any_store, "i4", "tusks walrus walrus", n=3)
    # Two words too long to pair in PostgreSQL's index (and to type in a query): kept all the same.
    await item(any_store, "i5", "w" * 1100 + " " + "t" * 1100 + " walrus tusks", n=4)
    hits = await any_store.search(T, typed, now=NOW)
    assert sorted(h.item_id for h in hits) == found
