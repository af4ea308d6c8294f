"""SQL for the interaction graph: counts of who interacted with whom, per week and kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

from sqlite_utils import Database

InteractionKind = Literal["reaction", "reply", "mention"]


@dataclass(frozen=True)
class Interaction:
    """One count to add: `actor` did `kind` to `target` `n` times in the week (a Monday)."""

    week: str
    scope: str  # '' for public channels; a private channel's id
    actor: str
    target: str
    kind: InteractionKind
    n: int = 1


def add_interactions(db: Database, team_id: str, counts: Iterable[Interaction]) -> None:
    """Add counts to the graph (a pair's count for a week and kind grows)."""
    db.conn.executemany(
        "INSERT INTO interactions (team_id, week, scope, actor, target, kind, n)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (team_id, actor, target, week, scope, kind) DO UPDATE SET n = n + excluded.n",
        [(team_id, c.week, c.scope, c.actor, c.target, c.kind, c.n) for c in counts],
    )


WEEK = 7 * 86400
KEPT_WEEKS = 26  # counts older than this many weeks are dropped


def week_of(at: float) -> str:
    """The Monday (UTC) of the week holding `at`, as YYYY-MM-DD."""
    day = datetime.fromtimestamp(at, tz=UTC).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def oldest_kept_week(now: float) -> str:
    """The first week still kept at `now`: 26 weeks back, counted in whole weeks."""
    return week_of(now - KEPT_WEEKS * WEEK)


def forget_interactions(db: Database, team_id: str, user_id: str) -> int:
    """Delete every count a person is part of, on either side."""
    return db.execute(
        "DELETE FROM interactions WHERE team_id = ? AND (actor = ? OR target = ?)",
        [team_id, user_id, user_id],
    ).rowcount


def prune_interactions(db: Database, before_week: str) -> int:
    """Delete the counts of weeks before `before_week` (every workspace)."""
    return db.execute("DELETE FROM interactions WHERE week < ?", [before_week]).rowcount


def interaction_counts(db: Database, team_id: str) -> list[Interaction]:
    """Every count of a workspace (tests and operators), in a stable order."""
    rows = db.execute(
        "SELECT week, scope, actor, target, kind, n FROM interactions WHERE team_id = ?"
        " ORDER BY week, scope, actor, target, kind",
        [team_id],
    ).fetchall()
    return [Interaction(w, s, a, t, cast(InteractionKind, k), n) for w, s, a, t, k, n in rows]
