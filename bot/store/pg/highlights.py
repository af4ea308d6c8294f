"""PostgreSQL twins of `bot/store/sql/highlights.py`: the period's top learnings and open
questions, quoted only from what was already public."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.sql.highlights import NOT_OPTED_OUT, PUBLIC_SHARE, SECRET, Window

Conn = Connection[Any]


def _team(column: str, team_id: str | None) -> tuple[str, list[Any]]:
    return (f" AND {column} = %s", [team_id]) if team_id else ("", [])


def top_learnings(
    db: Conn, team_id: str | None, window: Window, limit: int = 3
) -> list[dict[str, Any]]:
    """Learnings first shared in a public channel in the window, most useful votes first."""
    where, args = _team("s.team_id", team_id)
    rows = db.execute(
        "SELECT i.id, COALESCE(NULLIF(i.text, ''), i.title, ''), min(s.at),"
        " (SELECT count(DISTINCT v.voter) FROM votes v WHERE v.item_id = i.id AND v.at < %s),"
        " (SELECT c.name FROM shares s2 LEFT JOIN channels c"
        "  ON c.team_id = s2.team_id AND c.id = s2.channel"
        "  WHERE s2.item_id = i.id AND s2.is_private = 0 AND s2.channel != ''"
        "  ORDER BY s2.at LIMIT 1)"
        " FROM items i JOIN shares s ON s.item_id = i.id"
        f" WHERE i.kind = 'learning' AND {PUBLIC_SHARE}"
        f" AND {NOT_OPTED_OUT.format(t='s.team_id', u='s.user')}{where}"
        " GROUP BY i.id HAVING min(s.at) >= %s AND min(s.at) < %s"
        ' ORDER BY 4 DESC, 3, i.id COLLATE "C" LIMIT %s',
        [window[1], *args, *window, limit],
    ).fetchall()
    return [
        {"text": str(text), "votes": int(n), "channel": f"#{name}" if name else None}
        for _, text, _, n, name in rows
        if text
    ]


def open_questions(
    db: Conn, team_id: str | None, window: Window, limit: int = 5
) -> list[dict[str, Any]]:
    """Questions posted in a public channel in the window still without a best answer."""
    where, args = _team("q.team_id", team_id)
    rows = db.execute(
        "SELECT q.text, q.posted_at, q.permalink, c.name FROM questions q"
        " LEFT JOIN channels c ON c.team_id = q.team_id AND c.id = q.channel"
        " WHERE q.status = 'open' AND q.answered_at IS NULL AND q.is_private = 0"
        f" AND COALESCE(q.channel, '') != '' AND NOT {SECRET.format(t='q.team_id', c='q.channel')}"
        " AND q.posted_at >= %s AND q.posted_at < %s"
        f" AND {NOT_OPTED_OUT.format(t='q.team_id', u='q.asker')}{where}"
        ' ORDER BY q.posted_at, q.id COLLATE "C" LIMIT %s',
        [*window, *args, limit],
    ).fetchall()
    return [
        {
            "text": str(text),
            "posted_at": float(at),
            "permalink": link,
            "channel": f"#{name}" if name else None,
        }
        for text, at, link, name in rows
    ]
