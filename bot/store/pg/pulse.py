"""PostgreSQL twins of `bot/store/sql/pulse.py`: the learning pulse's weeks, claimed before
posting so that no week is posted twice."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

Conn = Connection[Any]


def claim(db: Conn, team_id: str, week: str, channel: str, now: float) -> bool:
    """True once per workspace and week: the caller then posts that week's pulse."""
    cursor = db.execute(
        "INSERT INTO learning_pulse (team_id, week, channel, status, at)"
        " VALUES (%s, %s, %s, 'claimed', %s) ON CONFLICT (team_id, week) DO NOTHING",
        [team_id, week, channel, now],
    )
    return cursor.rowcount == 1


def mark_posted(db: Conn, team_id: str, week: str, file_id: str, ts: str | None) -> None:
    """The week's pulse is in Slack: its file and (when Slack said) its message ts."""
    db.execute(
        "UPDATE learning_pulse SET status = 'posted', file_id = %s, ts = %s"
        " WHERE team_id = %s AND week = %s",
        [file_id, ts, team_id, week],
    )


def release(db: Conn, team_id: str, week: str) -> None:
    """Slack refused the pulse: a later tick of the same week may try again."""
    db.execute(
        "DELETE FROM learning_pulse WHERE team_id = %s AND week = %s AND status = 'claimed'",
        [team_id, week],
    )


def weeks(db: Conn, team_id: str) -> list[dict[str, Any]]:
    """Every week recorded for a workspace, oldest first."""
    rows = db.execute(
        "SELECT week, channel, status, file_id, ts FROM learning_pulse WHERE team_id = %s"
        " ORDER BY week",
        [team_id],
    ).fetchall()
    keys = ("week", "channel", "status", "file_id", "ts")
    return [dict(zip(keys, row, strict=True)) for row in rows]
