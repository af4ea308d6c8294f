"""PostgreSQL twins of `bot/store/sql/workspaces.py`: known workspaces, the uninstall grace
period, and deleting one workspace with every row it has."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.sql.workspaces import TEAM_TABLES

Conn = Connection[Any]


def delete_workspace(db: Conn, team_id: str) -> None:
    """Delete every row of one workspace (after uninstall and its grace period)."""
    db.execute(
        "DELETE FROM link_checks WHERE item_id IN (SELECT id FROM items WHERE team_id = %s)",
        [team_id],
    )
    # PostgreSQL has no separate full-text tables yet: the documents are the whole index.
    db.execute("DELETE FROM search_docs WHERE team_id = %s", [team_id])
    for table in TEAM_TABLES:
        db.execute(f"DELETE FROM {table} WHERE team_id = %s", [team_id])


def mark_uninstalled(db: Conn, team_id: str, at: float | None, seq: int | None) -> None:
    """Start (a time, and the inbox position of the event) or cancel (None) the grace period."""
    db.execute(
        "INSERT INTO workspaces (team_id, uninstalled_at, uninstall_seq) VALUES (%s, %s, %s)"
        " ON CONFLICT (team_id) DO UPDATE SET uninstalled_at = excluded.uninstalled_at,"
        " uninstall_seq = excluded.uninstall_seq",
        [team_id, at, seq],
    )


def set_url(db: Conn, team_id: str, url: str) -> None:
    """The workspace's address, as auth.test says it (its domain may be renamed)."""
    db.execute(
        "INSERT INTO workspaces (team_id, url) VALUES (%s, %s)"
        " ON CONFLICT (team_id) DO UPDATE SET url = excluded.url",
        [team_id, url],
    )


def url_of(db: Conn, team_id: str) -> str | None:
    """The workspace's address, or None before auth.test was asked."""
    row = db.execute("SELECT url FROM workspaces WHERE team_id = %s", [team_id]).fetchone()
    return str(row[0]) if row and row[0] else None


def uninstalled_before(db: Conn, cutoff: float) -> list[str]:
    """Workspaces whose grace period ended before `cutoff`."""
    rows = db.execute(
        "SELECT team_id FROM workspaces WHERE uninstalled_at IS NOT NULL AND uninstalled_at < %s",
        [cutoff],
    ).fetchall()
    return [row[0] for row in rows]


def uninstalled_teams(db: Conn) -> dict[str, int]:
    """Workspaces in their uninstall grace period, with the inbox position of the uninstall."""
    rows = db.execute(
        "SELECT team_id, uninstall_seq FROM workspaces WHERE uninstalled_at IS NOT NULL"
    ).fetchall()
    return {team: int(seq or 0) for team, seq in rows}


def teams_with_person(db: Conn, user_id: str) -> list[str]:
    """Workspaces with any row about this person."""
    sql = " UNION ".join(
        f"SELECT team_id FROM {table} WHERE {column} = %s"
        for table, column in (
            ("users", "id"),
            ("shares", '"user"'),
            ("votes", "voter"),
            ("flags", "flagger"),
            ("reactions", '"user"'),
            ("person_settings", "user_id"),
            ("bot_posts", "credited"),
        )
    )
    return sorted(row[0] for row in db.execute(sql, [user_id] * 7).fetchall())


def known_teams(db: Conn) -> list[str]:
    """Workspaces with any channel, person, item or install record."""
    sql = " UNION ".join(
        f"SELECT team_id FROM {table}" for table in ("channels", "users", "items", "workspaces")
    )
    return sorted(row[0] for row in db.execute(sql).fetchall())
