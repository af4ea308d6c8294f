"""The search index and expert choice, through the capture and question verbs: on SQLite, and on
PostgreSQL too; FTS5's own files, SQLite only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from bot.models import FetchedPage, ItemDraft, ShareInput, UserInfo
from bot.store import ExpertRules, Store
from bot.store.migrations import MIGRATIONS, migrate
from bot.store.pg import experts as pg_experts
from bot.store.pg import search as pg_search
from bot.store.pg import search_index as pg_index
from bot.store.pg import suggest as pg_suggest
from bot.store.pg.connect import connect
from bot.store.pg.migrate import migrate as pg_migrate
from bot.store.sql import search
from bot.store.sql.experts import evidence
from bot.store.sql.search import parse_query
from bot.store.sql.search_index import sync_item
from tests.bot.store.search_seed import sql
from tests.support.rawdb import raw

T = "T1"


def learning(
    channel: str, ts: str, user: str, text: str, private: bool = False
) -> tuple[ShareInput, list[ItemDraft]]:
    share = ShareInput(T, channel, ts, user, text, private)
    return share, [ItemDraft("learning", f"learning:{channel}:{ts}", text=text)]


def test_parse_query_quotes_every_term_and_keeps_phrases() -> None:
    query = parse_query('how do "wal mode" AND sqlite* NEAR( work')
    assert query is not None
    assert query.match == '"wal mode" AND "sqlite" AND "near" AND "work"'
    assert parse_query('" * -- ()') is None
    assert parse_query("the and of") is not None  # only common words: they are kept
    anything = parse_query("who knows terraform state locking?", any_word=True)
    assert anything is not None
    assert anything.match == '"terraform" OR "state" OR "locking"'


async def test_private_shares_are_found_only_through_their_channel(any_store: Store) -> None:
    await any_store.save_message(
        *learning("C1", "1700000000.000100", "U1", "TIL public walrus facts")
    )
    share, _ = learning("G1", "1700000001.000100", "U2", "TIL secret walrus plans", private=True)
    draft = ItemDraft("learning", "learning:C1:1700000000.000100", text="x")
    await any_store.save_learning(share, draft, None)  # a private share of the same item
    outside = await any_store.search(T, "walrus")
    assert [h.text for h in outside] == ["TIL public walrus facts"]
    assert await any_store.search(T, "secret plans") == []
    inside = await any_store.search(T, "secret plans", ["G1"])
    assert [h.channel for h in inside] == ["C1"]  # the item, shown by its public share


async def test_only_the_newest_matches_are_ranked_and_well_voted_old_ones(any_store: Store) -> None:
    for n in range(6):
        ts = f"17000000{n:02d}.000100"
        await any_store.save_message(*learning("C1", ts, "U1", f"TIL common thing {n}"))
        if n == 0:  # the oldest is well voted
            for voter in ("U2", "U3", "U4"):
                await any_store.set_reaction(T, "C1", ts, voter, "+1", "useful", True)
    query = parse_query("common")
    assert query is not None
    hits = await any_store._read(search.search, T, query, [], 1800000000.0, 2)
    texts = sorted(h.text or "" for h in hits)
    # Only the two newest of six matches are ranked, plus the old well-voted one.
    assert texts == ["TIL common thing 0", "TIL common thing 4", "TIL common thing 5"]
    assert hits[0].text == "TIL common thing 0"
    assert hits[0].votes == 3
    await any_store.set_reaction(T, "C1", "1700000000.000100", "U4", "+1", "useful", False)
    hits = await any_store._read(search.search, T, query, [], 1800000000.0, 2)
    assert len(hits) == 2  # two voters: no longer in the well-voted index


async def test_index_follows_edits_deletes_and_flags(any_store: Store) -> None:
    share, drafts = learning("C1", "1700000000.000100", "U1", "TIL otters hold hands")
    await any_store.save_message(share, drafts)
    assert len(await any_store.search(T, "otters")) == 1
    for flagger in ("U2", "U3", "U4"):
        await any_store.set_reaction(
            T, "C1", share.ts, flagger, "triangular_flag_on_post", "flag", True
        )
    assert await any_store.search(T, "otters") == []  # three flags hide it
    edited = ShareInput(T, "C1", share.ts, "U1", "TIL beavers build dams", False)
    await any_store.save_message(edited, [ItemDraft("learning", drafts[0].key, text=edited.text)])
    assert await any_store.search(T, "otters") == []
    await any_store.remove_message(T, "C1", share.ts)
    assert await sql(any_store, "SELECT count(*) FROM search_docs") == [(0,)]


async def test_migration_4_indexes_existing_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    for step in MIGRATIONS[:3]:
        step(db)
    db.execute("PRAGMA user_version = 3")
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, text, created_ts) VALUES"
        " ('i1', 'T1', 'learning:C1:1', 'learning', 'TIL narwhals', '1700000000.0')"
    )
    db.execute(
        "INSERT INTO shares (team_id, item_id, channel, ts, at, user, text, source) VALUES"
        " ('T1', 'i1', 'C1', '1700000000.0', 1700000000.0, 'U1', 'TIL narwhals', 'message')"
    )
    db.conn.commit()
    db.close()
    store = Store(path).open()
    try:
        assert [h.item_id for h in await store.search(T, "narwhals")] == ["i1"]
    finally:
        store.close()


async def test_topics_alone_choose_experts(any_store: Store) -> None:
    share = ShareInput(T, "C1", "1700000000.000100", "U2", "<https://tf.example/>", False)
    draft = ItemDraft(
        "link",
        "link:https://tf.example/",
        url="https://tf.example/",
        title="Terraform state locking",
        description="Remote backends",
    )
    await any_store.save_message(share, [draft])
    weights = await any_store._read(evidence, T, None, "terraform locking question", [T])
    assert len(weights) == 1  # found by its topic terms, with no full-text query at all
    question_id = await any_store.create_question(T, "U1", False, "terraform locking?", "C1")
    await any_store.question_posted(question_id, "C1", "1700000100.000100", False, 1700000100.0)
    question = await any_store.question(question_id)
    assert question is not None
    rules = ExpertRules(frozenset({"U1"}), None, 3, 0.0)
    assert await any_store.choose_experts(question, rules) == ["U2"]
    assert (
        await any_store.choose_experts(question, ExpertRules(frozenset({"U1", "U2"}), None, 3, 0.0))
        == []
    )
    assert (
        await any_store.choose_experts(
            question, ExpertRules(frozenset({"U1"}), frozenset({"U9"}), 3, 0.0)
        )
        == []
    )


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_safe_query(text: str) -> None:
    db = Database(memory=True)
    migrate(db)
    words = "a b c near and or"
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, text, created_ts) VALUES"
        " ('i1', 'T1', 'k', 'learning', ?, '1.0')",
        [words],
    )
    db.execute(
        "INSERT INTO shares (team_id, item_id, channel, ts, at, user, text, source)"
        " VALUES ('T1', 'i1', 'C1', '1.0', 1.0, 'U1', ?, 'til')",
        [words],
    )
    sync_item(db, "T1", "i1")
    for any_word in (False, True):
        query = parse_query(text, any_word)
        if query is not None:  # the real search, scopes and ranking included: never an error
            search.search(db, "T1", query, ["G1"], 2.0)
            evidence(db, "T1", query, text, ["T1"])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_text_is_a_safe_query_on_postgresql(pg_url: str, text: str) -> None:
    """The same on PostgreSQL (one database for every example: each only reads)."""
    with connect(pg_url) as conn:
        if pg_migrate(conn)[0] == 0:
            conn.execute(
                "INSERT INTO items (id, team_id, key, kind, text, created_ts)"
                " VALUES ('i1', 'T1', 'k', 'learning', 'a b c near and or', '1.0')"
            )
            conn.execute(
                'INSERT INTO shares (team_id, item_id, channel, ts, at, "user", text, source)'
                " VALUES ('T1', 'i1', 'C1', '1.0', 1.0, 'U1', 'a b c near and or', 'til')"
            )
            pg_index.sync_item(conn, "T1", "i1")
            conn.commit()
        for any_word in (False, True):
            query = parse_query(text, any_word)
            if query is not None:
                pg_search.search(conn, "T1", query, ["G1"], 2.0)
                pg_suggest.suggest(conn, "T1", query, ["G1"])
                pg_experts.evidence(conn, "T1", query, text, ["T1"])


def index_matches(db: Database) -> tuple[set[int], set[int], set[int], set[int]]:
    """What the two FTS indexes hold (from their vocabularies), beside what they should."""
    for name, index in (("fts_rows", "search_fts"), ("top_rows", "search_top")):
        db.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name}"
            f" USING fts5vocab(main, {index}, instance)"
        )
    fts = {r[0] for r in db.execute("SELECT DISTINCT doc FROM temp.fts_rows")}
    top = {r[0] for r in db.execute("SELECT DISTINCT doc FROM temp.top_rows")}
    docs = {r[0] for r in db.execute("SELECT rowid FROM search_docs")}
    tops = {r[0] for r in db.execute("SELECT rowid FROM search_docs WHERE top = 1")}
    return fts, docs, top, tops


async def test_the_indexes_follow_merges_buttons_retention_and_forgetting(store: Store) -> None:
    def link(url: str) -> ItemDraft:
        return ItemDraft("link", f"link:{url}", url=url)

    [short] = await store.save_message(
        ShareInput(T, "C1", "1700000001.0", "U1", "see <https://sho.rt/x> rotkehlchen", False),
        [link("https://sho.rt/x")],
        fetch_at=0,
    )
    await store.save_message(
        ShareInput(T, "C1", "1700000002.0", "U2", "zaunkoenig <https://site.com/post>", False),
        [link("https://site.com/post")],
    )
    page = FetchedPage(
        "ok",
        title="Post",
        final_url="https://site.com/post",
        same_page_urls=("https://site.com/post",),
    )
    assert await store.record_fetch(short, page, 1700000100.0) == short
    fts, docs, top, tops = raw(store, index_matches)
    assert fts == docs
    assert top == tops
    for voter in ("U3", "U4", "U5"):  # Useful buttons in digests: the third makes it well voted
        await store.button_vote(T, short, voter, f"d:D{voter}:1.0", 1700000200.0)
    fts, docs, top, tops = raw(store, index_matches)
    assert top == tops
    assert len(tops) == 1
    await store.apply_retention(1700000000.0 + 400 * 86400, 30)
    assert raw(store, index_matches) == (set(), set(), set(), set())


async def test_forgetting_someone_takes_their_name_out_of_others_items(any_store: Store) -> None:
    await any_store.save_user(UserInfo(T, "U9", "anastasia", "Anastasia K"))
    await any_store.save_message(
        *learning("C1", "1700000000.000100", "U1", "TIL from <@U9> walrus")
    )
    assert len(await any_store.search(T, "anastasia")) == 1
    await any_store.forget_person(T, "U9")
    assert await any_store.search(T, "anastasia") == []
    [item] = await any_store.export_items()
    assert "anastasia" not in str(item)
    assert "@U9" in str(item["text"])


async def test_private_votes_do_not_make_a_public_item_well_voted(any_store: Store) -> None:
    share, drafts = learning("C1", "1700000000.000100", "U1", "TIL public otters")
    await any_store.save_message(share, drafts)
    hidden = ShareInput(T, "G1", "1700000001.000100", "U2", "TIL public otters", True)
    await any_store.save_learning(hidden, drafts[0], None)
    for voter in ("U3", "U4", "U5"):
        await any_store.set_reaction(T, "G1", hidden.ts, voter, "+1", "useful", True)
    assert await sql(any_store, "SELECT max(top) FROM search_docs") == [(0,)]
