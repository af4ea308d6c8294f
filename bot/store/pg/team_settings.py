"""PostgreSQL twins of `bot/store/sql/team_settings.py`: a workspace's own settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg import Connection

Conn = Connection[Any]


def team_settings(db: Conn, team_id: str) -> dict[str, str]:
    """The workspace's own settings, by name (those it never changed are absent)."""
    rows = db.execute(
        "SELECT name, value FROM team_settings WHERE team_id = %s", [team_id]
    ).fetchall()
    return {str(name): str(value) for name, value in rows}


def change_team_settings(
    db: Conn, team_id: str, changes: Mapping[str, str | None], at: float
) -> None:
    """Set each named setting to its value, or clear it (None: back to the default)."""
    for name, value in sorted(changes.items()):
        if value is None:
            db.execute(
                "DELETE FROM team_settings WHERE team_id = %s AND name = %s", [team_id, name]
            )
            continue
        db.execute(
            "INSERT INTO team_settings (team_id, name, value, changed_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (team_id, name)"
            " DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at",
            [team_id, name, value, at],
        )
