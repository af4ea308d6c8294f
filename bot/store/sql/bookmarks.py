"""SQL for bookmarks: a message one person saved for themselves, seen by nobody else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

SAVED_LIMIT = 10


@dataclass(frozen=True)
class Bookmark:
    """A message a person saved with the bookmark reaction."""

    channel: str
    ts: str
    author: str | None
    text: str
    link: str | None


def add_bookmark(
    db: Database,
    team_id: str,
    user: str,
    mark: Bookmark,
    now: float,
) -> None:
    """Keep a message for the person who bookmarked it (again: its newest text)."""
    db.execute(
        "INSERT INTO bookmarks (team_id, user, channel, ts, author, text, link, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, user, channel, ts) DO UPDATE"
        " SET author = excluded.author, text = excluded.text, link = excluded.link",
        [team_id, user, mark.channel, mark.ts, mark.author, mark.text, mark.link, now],
    )


def remove_bookmark(db: Database, team_id: str, user: str, channel: str, ts: str) -> None:
    """The person took their bookmark back."""
    db.execute(
        "DELETE FROM bookmarks WHERE team_id = ? AND user = ? AND channel = ? AND ts = ?",
        [team_id, user, channel, ts],
    )


def forget_message(db: Database, team_id: str, channel: str, ts: str) -> None:
    """A message was deleted (or marked `!nda`): nobody keeps it."""
    db.execute(
        "DELETE FROM bookmarks WHERE team_id = ? AND channel = ? AND ts = ?",
        [team_id, channel, ts],
    )


def forget_person(db: Database, team_id: str, user_id: str) -> None:
    """Forget-me: their bookmarks, and others' bookmarks of their messages."""
    db.execute(
        "DELETE FROM bookmarks WHERE team_id = ? AND (user = ? OR author = ?)",
        [team_id, user_id, user_id],
    )


def bookmarks(
    db: Database, team_id: str, user: str, words: tuple[str, ...] = (), limit: int = SAVED_LIMIT
) -> list[Bookmark]:
    """A person's bookmarks, newest first; with `words`, those whose text has every word."""
    where = "".join(" AND instr(lower(text), ?) > 0" for _ in words)
    rows = db.execute(
        "SELECT channel, ts, author, text, link FROM bookmarks WHERE team_id = ? AND user = ?"
        f"{where} ORDER BY at DESC, ts DESC LIMIT ?",
        [team_id, user, *(w.lower() for w in words), limit],
    )
    return [Bookmark(*row) for row in rows]


def delete_older_than(db: Database, cutoff: float) -> int:
    """Retention: bookmarks of messages posted before `cutoff` (Unix seconds, the message's ts,
    as an item's age is its last share's)."""
    return int(db.execute("DELETE FROM bookmarks WHERE CAST(ts AS REAL) < ?", [cutoff]).rowcount)
