"""PostgreSQL twins of `bot/store/sql/interactions.py`: who interacted with whom, per week."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from psycopg import Connection

from bot.store.sql.interactions import Interaction, InteractionKind

Conn = Connection[Any]


def add_interactions(db: Conn, team_id: str, counts: Iterable[Interaction]) -> None:
    """Add counts to the graph (a pair's count for a week and kind grows)."""
    rows = [(team_id, c.week, c.scope, c.actor, c.target, c.kind, c.n) for c in counts]
    if not rows:
        return
    with db.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO interactions AS i (team_id, week, scope, actor, target, kind, n)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (team_id, actor, target, week, scope, kind)"
            " DO UPDATE SET n = i.n + excluded.n",
            rows,
        )


def forget_interactions(db: Conn, team_id: str, user_id: str) -> int:
    """Delete every count a person is part of, on either side."""
    return db.execute(
        "DELETE FROM interactions WHERE team_id = %s AND (actor = %s OR target = %s)",
        [team_id, user_id, user_id],
    ).rowcount


def prune_interactions(db: Conn, before_week: str) -> int:
    """Delete the counts of weeks before `before_week` (every workspace)."""
    return db.execute("DELETE FROM interactions WHERE week < %s", [before_week]).rowcount


def interaction_counts(db: Conn, team_id: str) -> list[Interaction]:
    """Every count of a workspace (tests and operators), in a stable order."""
    rows = db.execute(
        "SELECT week, scope, actor, target, kind, n FROM interactions WHERE team_id = %s"
        " ORDER BY week, scope, actor, target, kind",
        [team_id],
    ).fetchall()
    return [Interaction(w, s, a, t, cast(InteractionKind, k), n) for w, s, a, t, k, n in rows]
