"""PostgreSQL twins of `bot/store/sql/bookmarks.py`: a message one person saved for themselves.

One difference stays: PostgreSQL's lower() folds every letter, SQLite's only ASCII, so a word
search here also matches 'Über' for 'über'."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.sql.bookmarks import SAVED_LIMIT, Bookmark

Conn = Connection[Any]


def add_bookmark(
    db: Conn,
    team_id: str,
    user: str,
    mark: Bookmark,
    now: float,
) -> None:
    """Keep a message for the person who bookmarked it (again: its newest text)."""
    db.execute(
        'INSERT INTO bookmarks (team_id, "user", channel, ts, author, text, link, at)'
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        ' ON CONFLICT (team_id, "user", channel, ts) DO UPDATE'
        " SET author = excluded.author, text = excluded.text, link = excluded.link",
        [team_id, user, mark.channel, mark.ts, mark.author, mark.text, mark.link, now],
    )


def remove_bookmark(db: Conn, team_id: str, user: str, channel: str, ts: str) -> None:
    """The person took their bookmark back."""
    db.execute(
        'DELETE FROM bookmarks WHERE team_id = %s AND "user" = %s AND channel = %s AND ts = %s',
        [team_id, user, channel, ts],
    )


def forget_message(db: Conn, team_id: str, channel: str, ts: str) -> None:
    """A message was deleted (or marked `!nda`): nobody keeps it."""
    db.execute(
        "DELETE FROM bookmarks WHERE team_id = %s AND channel = %s AND ts = %s",
        [team_id, channel, ts],
    )


def forget_person(db: Conn, team_id: str, user_id: str) -> None:
    """Forget-me: their bookmarks, and others' bookmarks of their messages."""
    db.execute(
        'DELETE FROM bookmarks WHERE team_id = %s AND ("user" = %s OR author = %s)',
        [team_id, user_id, user_id],
    )


def bookmarks(
    db: Conn, team_id: str, user: str, words: tuple[str, ...] = (), limit: int = SAVED_LIMIT
) -> list[Bookmark]:
    """A person's bookmarks, newest first; with `words`, those whose text has every word."""
    where = "".join(" AND strpos(lower(text), %s) > 0" for _ in words)
    rows = db.execute(
        'SELECT channel, ts, author, text, link FROM bookmarks WHERE team_id = %s AND "user" = %s'
        f"{where} ORDER BY at DESC, ts DESC LIMIT %s",
        [team_id, user, *(w.lower() for w in words), limit],
    ).fetchall()
    return [Bookmark(*row) for row in rows]


def delete_older_than(db: Conn, cutoff: float) -> int:
    """Retention: bookmarks of messages posted before `cutoff` (Unix seconds, the message's ts,
    as an item's age is its last share's)."""
    return int(
        db.execute(
            "DELETE FROM bookmarks WHERE CAST(ts AS DOUBLE PRECISION) < %s", [cutoff]
        ).rowcount
    )
