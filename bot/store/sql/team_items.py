"""SQL for each workspace's item count, the number a word's or topic's rarity is measured
against: counted per workspace, so one workspace's size never changes another's expert choice or
topics. Kept in the same write as every item added or deleted."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database


def count_items(db: Database, team_id: str, delta: int) -> None:
    """A workspace gained (or lost, `delta` < 0) items."""
    if not delta:
        return
    try:
        db.execute(
            "INSERT INTO team_items (team_id, n) VALUES (?, ?)"
            " ON CONFLICT (team_id) DO UPDATE SET n = n + excluded.n",
            [team_id, delta],
        )
    except sqlite3.OperationalError as exc:
        if not _before_m25(exc):
            raise


def item_count(db: Database, team_id: str) -> int:
    """How many items the workspace has (at least 1: a divisor)."""
    try:
        row = db.execute("SELECT n FROM team_items WHERE team_id = ?", [team_id]).fetchone()
    except sqlite3.OperationalError as exc:
        if not _before_m25(exc):
            raise
        row = None
    if row is None:  # items written by other means (a generator, a raw copy): count them once
        row = db.execute("SELECT count(*) FROM items WHERE team_id = ?", [team_id]).fetchone()
    return max(1, int(row[0])) if row else 1


def doc_span(db: Database, team_id: str) -> tuple[int, int]:
    """The newest and oldest rowid of the workspace's search documents (0, 0 when none).
    Two queries: SQLite answers a lone max() or min() from the index, not both at once."""
    newest = db.execute(
        "SELECT max(rowid) FROM search_docs WHERE team_id = ?", [team_id]
    ).fetchone()[0]
    oldest = db.execute(
        "SELECT min(rowid) FROM search_docs WHERE team_id = ?", [team_id]
    ).fetchone()[0]
    return int(newest or 0), int(oldest or 0)


def _before_m25(exc: sqlite3.OperationalError) -> bool:
    """An older migration (m9's notes, m12's merges) reached items before m25 made the table;
    m25 then counts every workspace's items itself."""
    return "no such table: team_items" in str(exc)
