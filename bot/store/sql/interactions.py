"""SQL for the interaction graph: counts of who interacted with whom, per week and kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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
