"""PostgreSQL twins of `bot/store/sql/installations.py`: installations and OAuth states.

Consuming a state is one DELETE: of two replicas racing for the same state, the row lock lets
one delete it and the other find nothing.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.sql.installations import (
    COLUMNS,
    FOR_TEAM,
    UPSERT_SET,
    Installed,
    installed_from,
)

Conn = Connection[Any]


def save_installation(db: Conn, installed: Installed) -> None:
    """Keep a workspace's installation, replacing an earlier one of the same workspace."""
    marks = ", ".join(["%s"] * len(installed.values()))
    db.execute(
        f"INSERT INTO installations ({COLUMNS}) VALUES ({marks})"
        f" ON CONFLICT (enterprise_id, team_id) DO UPDATE SET {UPSERT_SET}",
        installed.values(),
    )
    # A (re)install ends the workspace's uninstall grace period: its data stays.
    db.execute(
        "UPDATE workspaces SET uninstalled_at = NULL, uninstall_seq = NULL"
        " WHERE team_id = %s AND %s <> ''",
        [installed.team_id, installed.team_id],
    )


def find_installation(db: Conn, enterprise_id: str, team_id: str) -> Installed | None:
    """The installation of a workspace (or, with team '', of an organisation), or None."""
    row = db.execute(
        f"SELECT {COLUMNS} FROM installations WHERE enterprise_id = %s AND team_id = %s",
        [enterprise_id, team_id],
    ).fetchone()
    return None if row is None else installed_from(tuple(row))


def installation_for_team(db: Conn, team_id: str) -> Installed | None:
    """The installation that serves a workspace: its own, else its organisation's, or None."""
    row = db.execute(FOR_TEAM.format(mark="%s"), [team_id, team_id]).fetchone()
    return None if row is None else installed_from(tuple(row))


def delete_installation(db: Conn, enterprise_id: str, team_id: str) -> bool:
    """Forget a workspace's installation; False when there was none."""
    cursor = db.execute(
        "DELETE FROM installations WHERE enterprise_id = %s AND team_id = %s",
        [enterprise_id, team_id],
    )
    return cursor.rowcount > 0


def issue_state(db: Conn, state: str, expires_at: float) -> None:
    """Remember an OAuth state until `expires_at`."""
    db.execute("INSERT INTO oauth_states (state, expires_at) VALUES (%s, %s)", [state, expires_at])


def consume_state(db: Conn, state: str, now: float) -> bool:
    """Use up a state: True once for a state issued and not expired, False after and else.
    Expired states are cleared on the way."""
    db.execute("DELETE FROM oauth_states WHERE expires_at <= %s", [now])
    row = db.execute(
        "DELETE FROM oauth_states WHERE state = %s RETURNING state", [state]
    ).fetchone()
    return row is not None
