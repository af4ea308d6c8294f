"""SQL for workspaces: which are known, which left (the uninstall grace period), and deleting
one with every row it has."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.sql import search_index

TEAM_TABLES = (
    "votes",
    "interactions",
    "flags",
    "shares",
    "items",
    "reactions",
    "users",
    "person_settings",
    "channels",
    "inbox",
    "bot_posts",
    "workspaces",
    "fetch_queue",
    "url_aliases",
    "item_terms",
    "term_df",
    "outbox",
    "digest_sent",
    "dm_channels",
    "activity",
    "less_like",
    "digest_clicks",
    "fatigue_start",
    "digest_credits",
    "digest_views",
    "questions",
    "replies",
    "routings",
    "knowledge_gaps",
    "learning_pulse",
    "import_files",
    "import_pending",
    "removed_shares",
    "bookmarks",
    "team_settings",
    "team_items",
)
# link_checks has no team_id: its rows go with their items (delete_items)


def delete_workspace(db: Database, team_id: str) -> None:
    """Delete every row of one workspace (after uninstall and its grace period)."""
    db.execute(
        "DELETE FROM link_checks WHERE item_id IN (SELECT id FROM items WHERE team_id = ?)",
        [team_id],
    )
    # By the documents' own team: an orphan (whatever left it) goes too. The full-text
    # indexes forget only what they are told.
    for (item_id,) in db.execute(
        "SELECT DISTINCT item_id FROM search_docs WHERE team_id = ?", [team_id]
    ).fetchall():
        search_index.drop_item(db, item_id)
    for table in TEAM_TABLES:
        db.execute(f"DELETE FROM {table} WHERE team_id = ?", [team_id])


def leave(
    db: Database, key: tuple[str, str], team_id: str, at: float, seq: int, now: float
) -> bool:
    """An uninstall or bot-token revocation (inbox position `seq`, at `at`): forget the
    installation `key` (enterprise, team) saved before the event arrived (the store's clock:
    its inbox row, else `now`) and start `team_id`'s grace period. False, doing nothing, when
    the workspace was installed again since."""
    row = db.execute("SELECT received_at FROM inbox WHERE seq = ?", [seq]).fetchone()
    arrived = float(row[0]) if row else now
    newer = db.execute(
        "SELECT 1 FROM installations WHERE enterprise_id = ? AND team_id = ? AND installed_at > ?",
        [*key, arrived],
    ).fetchone()
    if newer:
        return False
    db.execute("DELETE FROM installations WHERE enterprise_id = ? AND team_id = ?", list(key))
    mark_uninstalled(db, team_id, at, seq)
    return True


def purge_workspace(db: Database, team_id: str, cutoff: float) -> bool:
    """Delete a workspace and its installations if its grace period still ended before
    `cutoff`: a reinstall since the purge began has cancelled it (False, nothing deleted)."""
    row = db.execute(
        "SELECT 1 FROM workspaces WHERE team_id = ? AND uninstalled_at < ?", [team_id, cutoff]
    ).fetchone()
    if row is None:
        return False
    delete_workspace(db, team_id)
    # A reinstall clears the mark in its own transaction, so any installation left is the one
    # the workspace had before it left (an uninstall's handler may not have run in time).
    db.execute("DELETE FROM installations WHERE team_id = ?", [team_id])
    return True


def mark_uninstalled(db: Database, team_id: str, at: float | None, seq: int | None) -> None:
    """Start (a time, and the inbox position of the event) or cancel (None) the grace period."""
    db.execute(
        "INSERT INTO workspaces (team_id, uninstalled_at, uninstall_seq) VALUES (?, ?, ?)"
        " ON CONFLICT (team_id) DO UPDATE SET uninstalled_at = excluded.uninstalled_at,"
        " uninstall_seq = excluded.uninstall_seq",
        [team_id, at, seq],
    )


def set_url(db: Database, team_id: str, url: str) -> None:
    """The workspace's address, as auth.test says it (its domain may be renamed)."""
    db.execute(
        "INSERT INTO workspaces (team_id, url) VALUES (?, ?)"
        " ON CONFLICT (team_id) DO UPDATE SET url = excluded.url",
        [team_id, url],
    )


def url_of(db: Database, team_id: str) -> str | None:
    """The workspace's address, or None before auth.test was asked."""
    row = db.execute("SELECT url FROM workspaces WHERE team_id = ?", [team_id]).fetchone()
    return str(row[0]) if row and row[0] else None


def uninstalled_before(db: Database, cutoff: float) -> list[str]:
    """Workspaces whose grace period ended before `cutoff`."""
    rows = db.execute(
        "SELECT team_id FROM workspaces WHERE uninstalled_at IS NOT NULL AND uninstalled_at < ?",
        [cutoff],
    )
    return [row[0] for row in rows]


def uninstalled_teams(db: Database) -> dict[str, int]:
    """Workspaces in their uninstall grace period, with the inbox position of the uninstall."""
    rows = db.execute(
        "SELECT team_id, uninstall_seq FROM workspaces WHERE uninstalled_at IS NOT NULL"
    )
    return {team: int(seq or 0) for team, seq in rows}


def teams_with_person(db: Database, user_id: str) -> list[str]:
    """Workspaces with any row about this person."""
    sql = " UNION ".join(
        f"SELECT team_id FROM {table} WHERE {column} = ?"
        for table, column in (
            ("users", "id"),
            ("shares", "user"),
            ("votes", "voter"),
            ("flags", "flagger"),
            ("reactions", "user"),
            ("person_settings", "user_id"),
            ("bot_posts", "credited"),
        )
    )
    return sorted(row[0] for row in db.execute(sql, [user_id] * 7))


def known_teams(db: Database) -> list[str]:
    """Workspaces with any channel, person, item, install record or installation."""
    sql = " UNION ".join(
        f"SELECT team_id FROM {table}" for table in ("channels", "users", "items", "workspaces")
    )
    # A workspace installed a moment ago has no data yet, but its people are to be read.
    sql += " UNION SELECT team_id FROM installations WHERE team_id <> ''"
    return sorted(row[0] for row in db.execute(sql))


def team_names(db: Database) -> dict[str, str]:
    """Workspaces' names, where an OAuth install told them (for the operator's commands)."""
    rows = db.execute(
        "SELECT team_id, team_name FROM installations WHERE team_id <> '' AND team_name IS NOT NULL"
    )
    return {str(team): str(name) for team, name in rows}
