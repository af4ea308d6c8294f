"""SQL for the learning pulse's record of weeks: claimed before posting, posted after.

A week is claimed before anything is sent, so a crash between the claim and Slack's answer
leaves the week claimed and never posted again: a pulse missed is better than one posted twice.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def claim(db: Database, team_id: str, week: str, channel: str, now: float) -> bool:
    """True once per workspace and week: the caller then posts that week's pulse."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO learning_pulse (team_id, week, channel, status, at)"
        " VALUES (?, ?, ?, 'claimed', ?)",
        [team_id, week, channel, now],
    )
    return cursor.rowcount == 1


def mark_posted(db: Database, team_id: str, week: str, file_id: str, ts: str | None) -> None:
    """The week's pulse is in Slack: its file and (when Slack said) its message ts."""
    db.execute(
        "UPDATE learning_pulse SET status = 'posted', file_id = ?, ts = ?"
        " WHERE team_id = ? AND week = ?",
        [file_id, ts, team_id, week],
    )


def release(db: Database, team_id: str, week: str) -> None:
    """Slack refused the pulse: a later tick of the same week may try again."""
    db.execute(
        "DELETE FROM learning_pulse WHERE team_id = ? AND week = ? AND status = 'claimed'",
        [team_id, week],
    )


def weeks(db: Database, team_id: str) -> list[dict[str, Any]]:
    """Every week recorded for a workspace, oldest first."""
    rows = db.execute(
        "SELECT week, channel, status, file_id, ts FROM learning_pulse WHERE team_id = ?"
        " ORDER BY week",
        [team_id],
    )
    keys = ("week", "channel", "status", "file_id", "ts")
    return [dict(zip(keys, row, strict=True)) for row in rows]
