"""PostgreSQL twins of `bot/store/sql/forwards.py`: the public items of the message a forward
(a share) points at."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.models import ItemDraft

Conn = Connection[Any]


def public_items_at(db: Conn, team_id: str, channel: str, ts: str) -> list[ItemDraft]:
    """The links and learnings one message shared publicly, as drafts for a forward of it.

    Only a public share counts, in a channel not known to be private now, by a person who has
    not opted out: a forward must never make a private, `!nda` (never stored), forgotten
    (deleted) or opted-out item public. Questions are not forwarded items.
    """
    rows = db.execute(
        "SELECT * FROM (SELECT DISTINCT i.kind, i.key, i.url, i.title, i.text, i.description,"
        " i.site_name FROM shares s JOIN items i ON i.id = s.item_id"
        " WHERE s.team_id = %s AND s.channel = %s AND s.ts = %s AND s.channel <> ''"
        " AND s.is_private = 0 AND i.kind IN ('link', 'learning')"
        " AND NOT EXISTS (SELECT 1 FROM channels c WHERE c.team_id = s.team_id"
        "  AND c.id = s.channel AND (c.is_private = 1 OR c.is_dm = 1))"
        " AND NOT EXISTS (SELECT 1 FROM person_settings p WHERE p.team_id = s.team_id"
        '  AND p.user_id = s."user" AND p.opted_out = 1)) AS found'
        ' ORDER BY kind DESC, key COLLATE "C"',  # keys compare byte by byte, as on SQLite
        [team_id, channel, ts],
    )
    return [ItemDraft(*row) for row in rows]
