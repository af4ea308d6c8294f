"""PostgreSQL twins of `bot/store/sql/team_items.py`: each workspace's item count."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

Conn = Connection[Any]


def count_items(db: Conn, team_id: str, delta: int) -> None:
    """A workspace gained (or lost, `delta` < 0) items."""
    if delta:
        db.execute(
            "INSERT INTO team_items (team_id, n) VALUES (%s, %s)"
            " ON CONFLICT (team_id) DO UPDATE SET n = team_items.n + excluded.n",
            [team_id, delta],
        )


def item_count(db: Conn, team_id: str) -> int:
    """How many items the workspace has (at least 1: a divisor)."""
    row = db.execute("SELECT n FROM team_items WHERE team_id = %s", [team_id]).fetchone()
    if row is None:  # items written by other means (a generator, a raw copy): count them once
        row = db.execute("SELECT count(*) FROM items WHERE team_id = %s", [team_id]).fetchone()
    return max(1, int(row[0])) if row else 1


def doc_span(db: Conn, team_id: str) -> tuple[int, int]:
    """The newest and oldest rowid of the workspace's search documents (0, 0 when none)."""
    row = db.execute(
        "SELECT max(rowid), min(rowid) FROM search_docs WHERE team_id = %s", [team_id]
    ).fetchone()
    return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
