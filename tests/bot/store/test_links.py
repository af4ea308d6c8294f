"""Link metadata in the store: a database from before link metadata keeps its items (the rest
is in test_contract_links.py, on both backends)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.store import Store
from bot.store.migrations import MIGRATIONS, migrate


async def test_migration_from_version_1_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, url, created_ts)"
        " VALUES ('i1', 'T1', 'link:https://a.com/', 'link', 'https://a.com/', '1.0')"
    )
    db.conn.commit()
    assert migrate(db) == len(MIGRATIONS)
    db.close()
    store = Store(path).open()
    try:
        [record] = await store.export_items()
        assert record["id"] == "i1"
        assert record["topics"] == []
    finally:
        store.close()
