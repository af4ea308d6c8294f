"""`copy_database`: a SQLite store, filled through its own verbs, copied into a fresh PostgreSQL
database reads the same there; a stopped copy resumes without a row twice; a target with
other data, a newer schema or a bad URL is refused in one line that never shows a password."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from bot.models import UserInfo
from bot.store import Store
from bot.store.copy_source import SqliteSource
from bot.store.copying import CopyError, convert, copy_database
from bot.store.pg.copy_target import COPY_LOCK, HalfCopied, count, data_tables
from bot.store.pg.store import PostgresStore
from tests.support.clock import ticking
from tests.support.postgres import fresh_database
from tests.support.sharing import T, execute, learning, link, share

NOW = 1_700_000_000.0
TEXTS = ("a python guide", "Zoë's café notes", "tabs\tand\nlines", "back\\slash 'quotes'")


async def fill(store: Store, messages: int = 120) -> None:
    """Rows in most tables, written by the store's verbs as the bot writes them."""
    await store.save_users([UserInfo(T, f"U{n}", f"person{n}", f"Zoë {n}") for n in range(30)])
    saves = []
    for n in range(messages):
        channel, private = ("G1", True) if n % 7 == 0 else (f"C{n % 4}", False)
        text = f"{TEXTS[n % len(TEXTS)]} <@U{n % 30}> number {n}"
        drafts = [link(f"https://site{n % 9}.example/p/{n}", title=f"Python guide {n}")]
        if n % 3 == 0:
            drafts.append(learning(f"k{n}", text))
        saves.append(
            store.save_message(
                share(channel, f"{NOW + n:.6f}", f"U{n % 30}", text, private), drafts
            )
        )
    items = [ids for ids in await asyncio.gather(*saves)]
    for n, ids in enumerate(items[:40]):
        await execute(
            store,
            "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
            f" VALUES ('{T}', '{ids[0]}', 'U{(n + 5) % 30}', 'save', 0, {NOW + n + 0.5})",
        )
    for n in range(12):
        await store.enqueue_event(T, f"Ev{n}", f'{{"n": {n}, "text": "é\\u00e9"}}')
        await store.record_click(T, f"U{n}", items[n % len(items)][0], "open", NOW + n)
    await store.record_gap(T, "kubernetes helm")
    await store.record_gap(T, "helm kubernetes")
    await store.create_question(T, "U1", False, "how do we deploy python?", "C1")


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "serendip.db"


async def filled(path: Path, messages: int = 120) -> None:
    store = Store(path, clock=ticking(NOW)).open()
    try:
        await fill(store, messages)
    finally:
        store.close()


def counts(path: Path, url: str) -> dict[str, tuple[int, int]]:
    """{table: (rows in SQLite, rows in PostgreSQL)} for every table copied."""
    source = SqliteSource(path)
    with psycopg.connect(url) as conn:
        tables = data_tables(conn)
        theirs = {t: count(conn, t) for t in tables}
    try:
        return {t: (source.count(t), theirs[t]) for t in tables}
    finally:
        source.close()


async def reads(store: Store) -> list[Any]:
    """What a sample of verbs answers: search, a digest's reads, export, gaps, the inbox."""
    return [
        await store.search(T, "python guide", ["G1"], NOW + 1000),
        await store.search(T, "café", [], NOW + 1000),
        await store.export_items(),
        await store.top_items(T, NOW - 10),
        await store.knowledge_gaps(T, NOW - 10_000),
        await store.pending_events(),
        (await store.digest_snapshot(T, NOW - 10, NOW + 1000, NOW - 10)).items,
    ]


async def test_a_copy_has_every_row_and_reads_the_same(sqlite_path: Path) -> None:
    await filled(sqlite_path)
    with fresh_database() as url:
        line = copy_database(str(sqlite_path), url, batch=50)
        assert "every table's count matches" in line
        both = counts(sqlite_path, url)
        assert {t: n for t, n in both.items() if n[0] != n[1]} == {}
        assert both["items"][0] > 150
        assert both["search_docs"][0] > 100
        lite = Store(sqlite_path, clock=ticking(NOW)).open()
        pg = PostgresStore(url, clock=ticking(NOW)).open()
        try:
            answers = await reads(lite)
            assert all(answers), [n for n, answer in enumerate(answers) if not answer]
            assert await reads(pg) == answers
            # Identities go on after the copied rows: new rows never collide.
            assert await pg.enqueue_event(T, "Enew", "{}")
            seqs = [seq for seq, _ in await pg.pending_events()]
            assert seqs[-1] == max(seqs) > 12
            assert await pg.save_message(share("C1", "9.9", "U1", "new"), [link("https://n.ew")])
        finally:
            lite.close()
            pg.close()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT to_regclass('copy_progress')").fetchone() == (None,)
            # Analyzed: the planner knows how many items there are (-1: never analyzed).
            tuples = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'items'")
            assert tuples.fetchone() == (both["items"][0],)
            # The deployment's state is the target's own, not copied: 64 free leases.
            free = conn.execute("SELECT count(*) FROM inbox_leases WHERE owner IS NULL")
            assert free.fetchone() == (64,)
            assert conn.execute("SELECT count(*) FROM leadership").fetchone() == (0,)


class Stop(Exception):
    """The copy is cut off, as by a lost connection or ^C."""


async def test_a_stopped_copy_is_refused_service_then_resumes_without_duplicates(
    sqlite_path: Path,
) -> None:
    await filled(sqlite_path)

    def stop_in_items(table: str, copied: int) -> None:
        if table == "items" and copied == 100:
            raise Stop

    with fresh_database() as url:
        with pytest.raises(Stop):
            copy_database(str(sqlite_path), url, batch=50, report=stop_in_items)
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM items").fetchone() == (100,)
        with pytest.raises(HalfCopied, match=r"has not finished.*copy-db again"):
            PostgresStore(url).open()
        seen: list[tuple[str, int]] = []
        copy_database(str(sqlite_path), url, batch=50, report=lambda t, n: seen.append((t, n)))
        assert next(n for t, n in seen if t == "items") == 150  # resumed after 100
        assert {t: n for t, n in counts(sqlite_path, url).items() if n[0] != n[1]} == {}
        with psycopg.connect(url) as conn:
            # knowledge_gaps has no key but SQLite's rowid: nothing doubled there either.
            assert conn.execute("SELECT count(*) FROM knowledge_gaps").fetchone() == (2,)
        PostgresStore(url).open().close()  # finished: served


async def test_a_target_with_data_or_another_source_is_refused(
    sqlite_path: Path, tmp_path: Path
) -> None:
    await filled(sqlite_path, messages=10)
    with fresh_database() as url:
        copy_database(str(sqlite_path), url)
        with pytest.raises(CopyError, match=r"already holds data \(table \w+\); copy-db copies"):
            copy_database(str(sqlite_path), url)
    other = tmp_path / "other.db"
    await filled(other, messages=3)
    with fresh_database() as url:
        with pytest.raises(Stop):
            copy_database(str(sqlite_path), url, batch=5, report=_stop_once)
        with pytest.raises(CopyError, match=r"holds an unfinished copy of .*serendip\.db"):
            copy_database(str(other), url)
    with fresh_database() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE theirs (x int)")
        with pytest.raises(CopyError, match="holds tables but is no Serendip database"):
            copy_database(str(sqlite_path), url)


def _stop_once(table: str, copied: int) -> None:
    raise Stop


async def test_a_newer_schema_on_either_side_is_refused(sqlite_path: Path) -> None:
    await filled(sqlite_path, messages=2)
    with fresh_database() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE serendip_schema (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO serendip_schema VALUES (999)")
        with pytest.raises(CopyError, match=r"^PostgreSQL at .*schema version 999, newer"):
            copy_database(str(sqlite_path), url)
        with sqlite3.connect(sqlite_path) as lite:
            lite.execute("PRAGMA user_version = 998")
        with pytest.raises(CopyError, match="schema version 998, newer than this Serendip"):
            copy_database(str(sqlite_path), url)
        with sqlite3.connect(sqlite_path) as lite:
            lite.execute("PRAGMA user_version = 3")
        with pytest.raises(CopyError, match=r"version 3, older .*; run `serendip migrate` on it"):
            copy_database(str(sqlite_path), url)


async def test_one_copy_at_a_time_into_a_database(sqlite_path: Path) -> None:
    await filled(sqlite_path, messages=2)
    with fresh_database() as url, psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [COPY_LOCK])
        with pytest.raises(CopyError, match=r"^another copy-db into PostgreSQL at .* is running$"):
            copy_database(str(sqlite_path), url)
        other.execute("SELECT pg_advisory_unlock(%s)", [COPY_LOCK])
        assert "count matches" in copy_database(str(sqlite_path), url)


async def test_bad_urls_say_why_in_one_line_without_the_password(sqlite_path: Path) -> None:
    await filled(sqlite_path, messages=1)
    with fresh_database() as url:
        server = urlsplit(url)
        base = f"postgresql://nobody_here:hunter2@{server.hostname}:{server.port or 5432}"
        for bad, why in (
            ("postgresql://u:hunter2@127.0.0.1:1/x", "cannot connect .*127.0.0.1:1/x.*refused"),
            (f"{base}/x", 'cannot connect .*role "nobody_here" does not exist'),
            ("postgresql://u:hunter2@[::1/x", "--to is not a valid PostgreSQL URL"),
        ):
            with pytest.raises(RuntimeError) as caught:
                copy_database(str(sqlite_path), bad)
            line = str(caught.value)
            assert "hunter2" not in line
            assert "\n" not in line
            assert caught.match(why)


def test_values_convert_to_the_declared_types_or_say_why() -> None:
    assert convert(3, "double precision") == 3.0
    assert convert("2.5", "double precision") == 2.5
    assert convert(1.0, "integer") == 1
    assert convert("7", "bigint") == 7
    assert convert(12, "text") == "12"
    assert convert(b"caf\xc3\xa9", "text") == "café"
    assert convert(None, "integer") is None
    for value, kind, why in (
        ("a\x00b", "text", "NUL"),
        (1.5, "integer", "wants an integer"),
        ("soon", "double precision", "wants a number"),
        (b"\xff", "text", "not UTF-8"),
    ):
        with pytest.raises(ValueError, match=why):
            convert(value, kind)


async def test_a_nul_in_text_stops_the_copy_naming_table_row_and_column(
    sqlite_path: Path,
) -> None:
    await filled(sqlite_path, messages=2)
    with sqlite3.connect(sqlite_path) as lite:
        lite.execute("UPDATE items SET title = 'bad' || char(0) || 'title' WHERE rowid = 1")
        item = lite.execute("SELECT id FROM items WHERE rowid = 1").fetchone()[0]
    with fresh_database() as url, pytest.raises(CopyError) as caught:
        copy_database(str(sqlite_path), url)
    assert str(caught.value) == (
        f"cannot copy items row id={item!r}: column title holds a NUL character,"
        " which PostgreSQL text cannot"
    )
