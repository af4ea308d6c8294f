"""PostgreSQL's schema: the same ordered list as SQLite's, applied once under an advisory lock,
giving the same tables and columns; a newer schema is refused in one line."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.store import Store
from bot.store.migrations import MIGRATIONS, SchemaMismatch, later
from bot.store.pg import schema
from bot.store.pg.connect import connect
from bot.store.pg.migrate import LOCK_KEY, migrate, schema_version
from bot.store.pg.store import PostgresStore
from bot.store.sql import face
from tests.bot.store.test_migrations import ODD_TIMES

LATEST = len(MIGRATIONS)
# SQLite's full-text tables and their shadow tables: PostgreSQL's is a column of search_docs.
FTS = ("search_fts", "search_top")
# SQLite's implicit rowid, which PostgreSQL declares where SQL reads it (bot/store/pg/schema.py).
DECLARED_ROWID = ("items", "shares", "fetch_queue")


def test_migrate_applies_every_step_once(pg_url: str) -> None:
    with connect(pg_url) as conn:
        assert schema_version(conn) == 0
        assert migrate(conn) == (0, LATEST)
        assert migrate(conn) == (LATEST, LATEST)
        assert schema_version(conn) == LATEST


def test_same_tables_and_columns_as_sqlite(pg_url: str, tmp_path: Path) -> None:
    Store(tmp_path / "s.db").open().close()
    lite = sqlite3.connect(tmp_path / "s.db")
    tables = [
        name
        for (name,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith(FTS) and name != "sqlite_sequence"
    ]
    expected = {t: {row[1] for row in lite.execute(f"PRAGMA table_info({t})")} for t in tables}
    for table in DECLARED_ROWID:
        expected[table].add("rowid")
    lite.close()
    expected["search_docs"] |= {"words", "pairs"}  # the generated tsvectors
    with connect(pg_url) as conn:
        migrate(conn)
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'serendip_schema'"
        ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    assert found == expected


def test_replicas_starting_together_migrate_once(pg_url: str) -> None:
    """Two replicas reach the lock while a third holds it: when it goes, one of them applies
    every step and the other finds the schema current."""
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def replica() -> None:
        try:
            with connect(pg_url) as conn:
                results.append(migrate(conn))
        except BaseException as exc:
            errors.append(exc)

    with connect(pg_url) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        threads = [threading.Thread(target=replica) for _ in range(2)]
        for thread in threads:
            thread.start()
        _wait_for_waiters(holder, 2)
        holder.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(results) == [(0, LATEST), (LATEST, LATEST)]


def _wait_for_waiters(conn: psycopg.Connection[Any], count: int) -> None:
    """Until `count` sessions wait for the migration lock (bounded: fail, never hang)."""
    for _ in range(2000):
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
        if row and row[0] >= count:
            return
        time.sleep(0.005)  # waiting for other threads to block, not for a time of day
    pytest.fail("the replicas never reached the migration lock")


def test_a_newer_schema_is_refused(pg_url: str) -> None:
    with connect(pg_url) as conn:
        migrate(conn)
        conn.execute("UPDATE serendip_schema SET version = %s", [LATEST + 1])
        with pytest.raises(SchemaMismatch, match="newer than this Serendip"):
            migrate(conn)
        # The lock was let go: another replica is not left waiting.
        assert conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone() == (True,)


def test_no_migrate_refuses_an_older_schema_and_leaves_it(pg_url: str) -> None:
    store = PostgresStore(pg_url, migrate=False, partial=True)
    with pytest.raises(SchemaMismatch, match="older than this Serendip"):
        store.open()
    store.close()
    with connect(pg_url) as conn:
        assert schema_version(conn) == 0
        migrate(conn)
    current = PostgresStore(pg_url, migrate=False, partial=True).open()
    current.close()


def test_sqlite_no_migrate_refuses_an_older_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    lite = sqlite3.connect(path)
    lite.execute("PRAGMA user_version = 3")
    lite.close()
    with pytest.raises(SchemaMismatch, match="schema version 3, older"):
        Store(path, migrate=False).open()
    lite = sqlite3.connect(path)
    assert lite.execute("PRAGMA user_version").fetchone() == (3,)
    lite.close()


def test_topic_terms_get_their_items_time_on_upgrade(pg_url: str) -> None:
    """Migration 19 reads each timestamp as SQLite's does and as the store writes it."""
    with connect(pg_url) as conn:
        for step in MIGRATIONS[: MIGRATIONS.index(later.m19_item_terms_created)]:
            with conn.transaction():
                getattr(schema, step.__name__)(conn)
        for n, ts in enumerate(ODD_TIMES):
            conn.execute(
                "INSERT INTO items (id, team_id, key, kind, created_ts)"
                " VALUES (%s, 'T1', %s, 'link', %s)",
                [f"I{n}", f"k{n}", ts],
            )
            conn.execute(
                "INSERT INTO item_terms (team_id, item_id, term) VALUES ('T1', %s, 'x')", [f"I{n}"]
            )
        with conn.transaction():
            schema.m19_item_terms_created(conn)
        found = dict(conn.execute("SELECT item_id, created FROM item_terms").fetchall())
    assert found == {f"I{n}": face.created_number(ts) for n, ts in enumerate(ODD_TIMES)}
