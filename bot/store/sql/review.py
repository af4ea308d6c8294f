"""SQL for the admins' review of flags: what is flagged, restoring an item, removing one.

The review counts flaggers and never says who they are; nothing here returns a flagger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store.sql.capture import delete_items, items_at, refresh_items
from bot.store.sql.search import FLAG_LIMIT

REVIEW_LIMIT = 20  # two blocks per item keep a review message within Slack's 50 blocks


@dataclass(frozen=True)
class FlaggedItem:
    """One flagged item as the review shows it: its face and how many people flagged it."""

    item_id: str
    kind: str
    url: str | None
    title: str | None
    text: str | None
    flaggers: int
    # The channel of its first share when the item has no public share: its face then comes
    # from that private channel, and only that channel's members may read it.
    private_channel: str | None = None

    @property
    def hidden(self) -> bool:
        """Whether digests and search leave the item out for its flags."""
        return self.flaggers >= FLAG_LIMIT


def flagged_items(
    db: Database, team_id: str, limit: int = REVIEW_LIMIT
) -> tuple[list[FlaggedItem], int]:
    """The most flagged items first (the latest flag breaks ties), and how many are flagged."""
    counted = (
        "SELECT f.item_id, count(DISTINCT f.flagger) AS n, max(f.at) AS last FROM flags f"
        " JOIN items i ON i.id = f.item_id AND i.team_id = f.team_id"
        " WHERE f.team_id = ? GROUP BY f.item_id"
    )
    rows = db.execute(
        f"SELECT i.id, i.kind, i.url, i.title, i.text, c.n FROM ({counted}) AS c"
        " JOIN items i ON i.id = c.item_id ORDER BY c.n DESC, c.last DESC, i.id LIMIT ?",
        [team_id, limit],
    ).fetchall()
    total = db.execute(f"SELECT count(*) FROM ({counted})", [team_id]).fetchone()[0]
    found = [
        FlaggedItem(item_id, kind, url, title, text, int(n), _private_channel(db, item_id))
        for item_id, kind, url, title, text, n in rows
    ]
    return found, int(total)


def _private_channel(db: Database, item_id: str) -> str | None:
    """The channel of the item's first share if it has no public share, else None."""
    row = db.execute(
        "SELECT is_private, channel FROM shares WHERE item_id = ? ORDER BY is_private, at, ts"
        " LIMIT 1",
        [item_id],
    ).fetchone()
    return str(row[1]) if row and row[0] else None


def _known(db: Database, team_id: str, item_id: str) -> bool:
    """Whether the item is stored for this workspace (a forged id from elsewhere is not)."""
    row = db.execute("SELECT 1 FROM items WHERE id = ? AND team_id = ?", [item_id, team_id])
    return row.fetchone() is not None


def _messages(db: Database, item_id: str) -> list[tuple[str, str]]:
    """(channel, ts) of every message that shares the item."""
    rows = db.execute("SELECT channel, ts FROM shares WHERE item_id = ?", [item_id])
    return [(str(channel), str(ts)) for channel, ts in rows]


def restore(db: Database, team_id: str, item_id: str, now: float) -> int | None:
    """Clear an item's flags; how many people had flagged it, None for an unknown item."""
    if not _known(db, team_id, item_id):
        return None
    cleared = db.execute(
        "SELECT count(DISTINCT flagger) FROM flags WHERE item_id = ?", [item_id]
    ).fetchone()[0]
    db.execute("DELETE FROM flags WHERE item_id = ?", [item_id])
    touched = {item_id}
    for channel, ts in _messages(db, item_id):
        # Flag reactions go too, or the next re-derivation of the item's marks would bring
        # its flags back.
        db.execute(
            "DELETE FROM reactions WHERE team_id = ? AND channel = ? AND ts = ? AND kind = 'flag'",
            [team_id, channel, ts],
        )
        touched |= items_at(db, team_id, channel, ts)
    # A reaction flags a message, so other items of the same messages lose those flags too;
    # re-derive them now rather than at their next change.
    refresh_items(db, team_id, touched, now)
    return int(cleared)


def remove(db: Database, team_id: str, item_id: str) -> bool:
    """Delete an item with everything hanging off it; False for an unknown item."""
    if not _known(db, team_id, item_id):
        return False
    messages = _messages(db, item_id)
    key = db.execute("SELECT key FROM items WHERE id = ?", [item_id]).fetchone()[0]
    db.conn.executemany(  # an import of an older export must not bring it back
        "INSERT OR IGNORE INTO removed_shares (team_id, channel, ts, item_key) VALUES (?, ?, ?, ?)",
        [(team_id, channel, ts, key) for channel, ts in messages],
    )
    delete_items(db, [item_id])
    db.execute("UPDATE questions SET item_id = NULL WHERE item_id = ?", [item_id])
    for channel, ts in messages:
        # Reactions are kept only on messages that share something: a message that also shares
        # another item keeps them, as they are that item's votes and flags.
        if not items_at(db, team_id, channel, ts):
            db.execute(
                "DELETE FROM reactions WHERE team_id = ? AND channel = ? AND ts = ?",
                [team_id, channel, ts],
            )
    return True


def flags(db: Database, team_id: str) -> list[dict[str, Any]]:
    """Every flag in a workspace: item, flagger and how it was given."""
    rows = db.execute(
        "SELECT item_id, flagger, via FROM flags WHERE team_id = ? ORDER BY at, flagger", [team_id]
    )
    return [{"item_id": item, "flagger": who, "via": via} for item, who, via in rows]
