"""PostgreSQL twins of `bot/store/sql/saves.py`: "Save to Serendip" marks a message captured
already as saved instead of making a second item (one item per thing)."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.models import ItemDraft, ShareInput
from bot.store.pg.capture import refresh_items, save_learning

Conn = Connection[Any]


def save_message(
    db: Conn, share: ShareInput, draft: ItemDraft, saver: str | None, now: float
) -> str:
    """A saved message's item: the one it was captured as, marked saved, or a new learning."""
    return mark_saved(db, share, saver, now) or save_learning(db, share, draft, saver, now)


def mark_saved(db: Conn, share: ShareInput, saver: str | None, now: float) -> str | None:
    """The items a message shared already, marked saved by `share.saved_by` (a saver other
    than its author votes for them, as a save does); the message's own learning first, else
    the first captured; None when the message shared nothing yet."""
    where = [share.team_id, share.channel, share.ts]
    rows = db.execute(
        "SELECT s.item_id FROM shares s JOIN items i ON i.id = s.item_id"
        " WHERE s.team_id = %s AND s.channel = %s AND s.ts = %s"
        " ORDER BY i.kind <> 'learning', s.rowid",  # the rowid SQLite's shares have implicitly
        where,
    ).fetchall()
    if not rows:
        return None
    touched = list(dict.fromkeys(str(row[0]) for row in rows))
    db.execute(
        "UPDATE shares SET saved_by = COALESCE(saved_by, %s)"
        " WHERE team_id = %s AND channel = %s AND ts = %s",
        [share.saved_by, *where],
    )
    for item_id in touched if saver and saver != share.user else ():
        db.execute(
            "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
            " VALUES (%s, %s, %s, 'save', %s, %s) ON CONFLICT DO NOTHING",
            [share.team_id, item_id, saver, int(share.is_private), now],
        )
    refresh_items(db, share.team_id, touched, now)  # drops a vote by one of its sharers
    return touched[0]
