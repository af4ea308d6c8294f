"""PostgreSQL twins of `bot/store/sql/review.py`: the admins' review of flags (what is flagged,
restoring an item, removing one). The review counts flaggers and never says who they are.

Ids and Slack timestamps sort bytewise (COLLATE "C"), as SQLite's BINARY does, whatever the
database's collation; flags of the same moment and person sort by item, then how given."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.pg import capture
from bot.store.sql.review import REVIEW_LIMIT, FlaggedItem

Conn = Connection[Any]
COUNTED = (
    "SELECT f.item_id, count(DISTINCT f.flagger) AS n, max(f.at) AS last FROM flags f"
    " JOIN items i ON i.id = f.item_id AND i.team_id = f.team_id"
    " WHERE f.team_id = %s GROUP BY f.item_id"
)


def flagged_items(
    db: Conn, team_id: str, limit: int = REVIEW_LIMIT
) -> tuple[list[FlaggedItem], int]:
    """The most flagged items first (the latest flag breaks ties), and how many are flagged."""
    rows = db.execute(
        f"SELECT i.id, i.kind, i.url, i.title, i.text, c.n FROM ({COUNTED}) AS c"
        ' JOIN items i ON i.id = c.item_id ORDER BY c.n DESC, c.last DESC, i.id COLLATE "C"'
        " LIMIT %s",
        [team_id, limit],
    ).fetchall()
    counted = db.execute(f"SELECT count(*) FROM ({COUNTED}) AS c", [team_id]).fetchone()
    found = [
        FlaggedItem(item_id, kind, url, title, text, int(n), _private_channel(db, item_id))
        for item_id, kind, url, title, text, n in rows
    ]
    return found, int(counted[0]) if counted else 0


def _private_channel(db: Conn, item_id: str) -> str | None:
    """The channel of the item's first share if it has no public share, else None."""
    row = db.execute(
        "SELECT is_private, channel FROM shares WHERE item_id = %s"
        ' ORDER BY is_private, at, ts COLLATE "C", channel COLLATE "C" LIMIT 1',
        [item_id],
    ).fetchone()
    return str(row[1]) if row and row[0] else None


def _known(db: Conn, team_id: str, item_id: str) -> bool:
    """Whether the item is stored for this workspace (a forged id from elsewhere is not)."""
    row = db.execute("SELECT 1 FROM items WHERE id = %s AND team_id = %s", [item_id, team_id])
    return row.fetchone() is not None


def _messages(db: Conn, item_id: str) -> list[tuple[str, str]]:
    """(channel, ts) of every message that shares the item."""
    rows = db.execute("SELECT channel, ts FROM shares WHERE item_id = %s", [item_id])
    return [(str(channel), str(ts)) for channel, ts in rows]


def restore(db: Conn, team_id: str, item_id: str, now: float) -> int | None:
    """Clear an item's flags; how many people had flagged it, None for an unknown item."""
    if not _known(db, team_id, item_id):
        return None
    row = db.execute(
        "SELECT count(DISTINCT flagger) FROM flags WHERE item_id = %s", [item_id]
    ).fetchone()
    cleared = int(row[0]) if row else 0
    db.execute("DELETE FROM flags WHERE item_id = %s", [item_id])
    touched = {item_id}
    for channel, ts in _messages(db, item_id):
        # Flag reactions go too, or the next re-derivation of the item's marks would bring
        # its flags back.
        db.execute(
            "DELETE FROM reactions WHERE team_id = %s AND channel = %s AND ts = %s"
            " AND kind = 'flag'",
            [team_id, channel, ts],
        )
        touched |= capture.items_at(db, team_id, channel, ts)
    # A reaction flags a message, so other items of the same messages lose those flags too;
    # re-derive them now rather than at their next change.
    capture.refresh_items(db, team_id, touched, now)
    return cleared


def remove(db: Conn, team_id: str, item_id: str) -> bool:
    """Delete an item with everything hanging off it; False for an unknown item."""
    if not _known(db, team_id, item_id):
        return False
    messages = _messages(db, item_id)
    key = db.execute("SELECT key FROM items WHERE id = %s", [item_id]).fetchone()
    with db.cursor() as cursor:  # an import of an older export must not bring it back
        cursor.executemany(
            "INSERT INTO removed_shares (team_id, channel, ts, item_key)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(team_id, channel, ts, key[0] if key else "") for channel, ts in messages],
        )
        capture.delete_items(db, [item_id])
    db.execute("UPDATE questions SET item_id = NULL WHERE item_id = %s", [item_id])
    for channel, ts in messages:
        # Reactions are kept only on messages that share something: a message that also shares
        # another item keeps them, as they are that item's votes and flags.
        if not capture.items_at(db, team_id, channel, ts):
            db.execute(
                "DELETE FROM reactions WHERE team_id = %s AND channel = %s AND ts = %s",
                [team_id, channel, ts],
            )
    return True


def flags(db: Conn, team_id: str) -> list[dict[str, Any]]:
    """Every flag in a workspace: item, flagger and how it was given."""
    rows = db.execute(
        "SELECT item_id, flagger, via FROM flags WHERE team_id = %s"
        ' ORDER BY at, flagger COLLATE "C", item_id COLLATE "C", via COLLATE "C"',
        [team_id],
    )
    return [{"item_id": item, "flagger": who, "via": via} for item, who, via in rows]
