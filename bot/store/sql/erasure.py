"""SQL for erasing the traces deleted data leaves in the database file.

A deleted row is gone from every query at once, but its words can stay on disk: the full-text
indexes only record deletions and drop the old entries when their segments are merged, a term
whose count fell to zero keeps its row, and the WAL keeps old versions of every page until it
is checkpointed. With `secure_delete` on (store.connect) freed space is zeroed as it is freed.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from bot.store.sql.search_index import INDEXES


def merge_indexes(db: Database) -> None:
    """Rewrite each full-text index as one segment, without the entries of deleted documents,
    and drop the terms no item uses any more (in a transaction, like any write)."""
    for table in INDEXES:
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    db.execute("DELETE FROM term_df WHERE df <= 0")


def flush_log(db: Database) -> bool:
    """Copy the WAL into the database file and truncate it to nothing (outside a transaction);
    False when a reader kept it from finishing."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def rebuild_and_flush(db: Database) -> bool:
    """Rewrite the whole file without its free pages (VACUUM), then flush the WAL: after a
    whole workspace went (outside a transaction)."""
    try:
        db.execute("VACUUM")
        rebuilt = True
    except sqlite3.OperationalError:  # another process held the database: the WAL still goes
        rebuilt = False
    return flush_log(db) and rebuilt
