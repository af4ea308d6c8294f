"""SQL for the network of trust: bot/network.py's ties, aggregated in the database.

Only public counts feed a network: interactions of scope '' (public channels) and useful votes
given publicly on public shares. A private channel's counts never reach a network, so they
cannot move a personal or public digest, nor the choice of experts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from bot.network import (
    KIND_WEIGHTS,
    NETWORK_SIZE,
    Network,
    networks_from_pairs,
    strongest,
    week_factors,
    window_start,
)

WEEK_SECONDS = 7 * 86400


def _case(column: str, values: Mapping[str, float] | Mapping[int, float]) -> tuple[str, list[Any]]:
    """A CASE expression mapping a column's values to weights (0 for any other value)."""
    whens = " ".join("WHEN ? THEN ?" for _ in values)
    return f"CASE {column} {whens} ELSE 0.0 END", [x for kv in values.items() for x in kv]


def _counts(
    team_id: str, now: float, where: str, args: list[Any], index: str = ""
) -> tuple[str, list[Any]]:
    """(actor, target, weight) rows of the window's public interactions, one per pair, with
    `where` narrowing them (e.g. to one actor, read through `index`)."""
    factors = week_factors(now)
    kind, kind_args = _case("kind", KIND_WEIGHTS)
    week, week_args = _case("week", factors)
    sql = (
        f"SELECT actor, target, sum(n * {kind} * {week}) FROM interactions{index}"
        " WHERE team_id = ? AND scope = '' AND week >= ? AND week <= ? AND actor != target"
        f"{where} GROUP BY actor, target"
    )
    return sql, [*kind_args, *week_args, team_id, min(factors), max(factors), *args]


def _vote_pairs(team_id: str, now: float, where: str, args: list[Any]) -> tuple[str, list[Any]]:
    """(voter, sharer, weight) rows of the window's public useful votes: each vote on an item
    once per sharer, in the week it was first given."""
    # Weeks by their number since the window's first Monday: cheaper than dates per vote.
    factors = {n: f for n, (_, f) in enumerate(sorted(week_factors(now).items()))}
    week, week_args = _case(f"CAST((min(v.at) - ?) / {WEEK_SECONDS} AS INTEGER)", factors)
    sql = (
        f"SELECT v.voter, s.user, {KIND_WEIGHTS['vote']} * {week}"
        " FROM votes v JOIN shares s ON s.item_id = v.item_id"
        " WHERE v.team_id = ? AND v.at >= ? AND v.at < ? AND v.is_private = 0"
        " AND s.is_private = 0 AND s.user IS NOT NULL AND s.user != v.voter"
        f"{where} GROUP BY v.item_id, v.voter, s.user"
    )
    start = window_start(now)
    return sql, [start, *week_args, team_id, start, now, *args]


def all_networks(
    db: Database, team_id: str, now: float, size: int = NETWORK_SIZE
) -> dict[str, dict[str, float]]:
    """Every person's network at `now`: person -> the `size` strongest ties.

    The database sums each ordered pair's interactions (in the key's order, with no sort) and
    weighs each vote; `networks_from_pairs` adds both directions up and ranks them.
    """
    counts, c_args = _counts(team_id, now, "", [])
    votes, v_args = _vote_pairs(team_id, now, "", [])
    rows = db.execute(f"{counts} UNION ALL {votes}", [*c_args, *v_args])
    return networks_from_pairs(rows, size)


def network_of(
    db: Database, team_id: str, person: str, now: float, size: int = NETWORK_SIZE
) -> Network:
    """One person's network at `now` (the same as `all_networks` gives for them)."""
    tied: dict[str, float] = defaultdict(float)
    # Without statistics SQLite would scan the workspace's graph for one target: name the index.
    for where, index in (
        (" AND actor = ?", ""),
        (" AND target = ?", " INDEXED BY interactions_target"),
    ):
        sql, args = _counts(team_id, now, where, [person], index)
        for actor, target, weight in db.execute(sql, args):
            tied[target if actor == person else actor] += weight
    for where in (" AND v.voter = ?", " AND s.team_id = v.team_id AND s.user = ?"):
        sql, args = _vote_pairs(team_id, now, where, [person])
        for voter, sharer, weight in db.execute(sql, args):
            tied[sharer if voter == person else voter] += weight
    tied.pop(person, None)
    return strongest(tied, size)
