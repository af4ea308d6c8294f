"""PostgreSQL twins of `bot/store/sql/erasure.py`: erasing what deleted rows leave behind.

A deleted row stays in its table's pages as a dead tuple until VACUUM reclaims it; VACUUM FULL
rewrites the tables without them. PostgreSQL's WAL and its archive (if the operator keeps one)
are the server's, not ours to truncate: the README says so.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

Conn = Connection[Any]


def merge_indexes(db: Conn) -> None:
    """Drop the terms no item uses any more (there are no full-text segments to merge)."""
    db.execute("DELETE FROM term_df WHERE df <= 0")


def flush_log(db: Conn) -> bool:
    """Reclaim dead tuples (VACUUM, outside a transaction); the server owns its WAL."""
    db.execute("VACUUM")
    return True


def rebuild_and_flush(db: Conn) -> bool:
    """Rewrite every table without dead tuples (VACUUM FULL): after a whole workspace went."""
    db.execute("VACUUM FULL")
    return True
