"""Reading the interaction graph and activity back, for tests of what they record."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store import Store
from tests.support.rawdb import raw

Pair = tuple[str, str, str, str, int]  # scope, actor, target, kind, n


async def pairs(store: Store, team_id: str) -> list[Pair]:
    """Every count of a workspace without its week, summed over weeks, in a stable order."""
    summed: dict[tuple[str, str, str, str], int] = {}
    for c in await store.interaction_counts(team_id):
        key = (c.scope, c.actor, c.target, c.kind)
        summed[key] = summed.get(key, 0) + c.n
    return sorted((*key, n) for key, n in summed.items())


def involving(found: list[Pair], person: str) -> list[Pair]:
    """The counts a person is on either side of."""
    return [p for p in found if person in (p[1], p[2])]


def active_people(store: Store, team_id: str) -> set[str]:
    """Who the activity table holds for a workspace."""

    def read(db: Database) -> set[str]:
        rows = db.execute("SELECT user_id FROM activity WHERE team_id = ?", [team_id])
        return {str(r[0]) for r in rows}

    return raw(store, read)
