"""PostgreSQL twins of `bot/store/sql/trust.py`: the network of trust, public counts only.

The same sums as on SQLite, in the same order within a pair (week, then kind: SQLite reads a
pair's rows along the primary key); a vote's week is its number since the window's first
Monday, truncated as SQLite's CAST truncates (PostgreSQL's would round).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from psycopg import Connection

from bot.network import (
    KIND_WEIGHTS,
    NETWORK_SIZE,
    Network,
    networks_from_pairs,
    strongest,
    week_factors,
    window_start,
)
from bot.store.sql.trust import WEEK_SECONDS

Conn = Connection[Any]
STREAM_ROWS = 20_000  # rows a chunk of the networks' stream holds


def _case(column: str, values: Mapping[str, float] | Mapping[int, float]) -> tuple[str, list[Any]]:
    """A CASE expression mapping a column's values to weights (0 for any other value)."""
    whens = " ".join("WHEN %s THEN %s::float8" for _ in values)
    return f"CASE {column} {whens} ELSE 0.0::float8 END", [x for kv in values.items() for x in kv]


def _counts(team_id: str, now: float, where: str, args: list[Any]) -> tuple[str, list[Any]]:
    """(actor, target, weight) rows of the window's public interactions, one per pair."""
    factors = week_factors(now)
    kind, kind_args = _case("kind", KIND_WEIGHTS)
    week, week_args = _case("week", factors)
    sql = (
        f"SELECT actor, target, sum(n * {kind} * {week} ORDER BY week, kind) FROM interactions"
        " WHERE team_id = %s AND scope = '' AND week >= %s AND week <= %s AND actor != target"
        f"{where} GROUP BY actor, target"
    )
    return sql, [*kind_args, *week_args, team_id, min(factors), max(factors), *args]


def _vote_pairs(team_id: str, now: float, where: str, args: list[Any]) -> tuple[str, list[Any]]:
    """(voter, sharer, weight) rows of the window's public useful votes: each vote on an item
    once per sharer, in the week it was first given."""
    factors = {n: f for n, (_, f) in enumerate(sorted(week_factors(now).items()))}
    week, week_args = _case(f"CAST(trunc((min(v.at) - %s) / {WEEK_SECONDS}) AS INTEGER)", factors)
    sql = (
        f'SELECT v.voter, s."user", {KIND_WEIGHTS["vote"]}::float8 * {week}'
        " FROM votes v JOIN shares s ON s.item_id = v.item_id"
        " WHERE v.team_id = %s AND v.at >= %s AND v.at < %s AND v.is_private = 0"
        ' AND s.is_private = 0 AND s."user" IS NOT NULL AND s."user" != v.voter'
        f'{where} GROUP BY v.item_id, v.voter, s."user"'
    )
    start = window_start(now)
    return sql, [start, *week_args, team_id, start, now, *args]


def all_networks(
    db: Conn, team_id: str, now: float, size: int = NETWORK_SIZE
) -> dict[str, dict[str, float]]:
    """Every person's network at `now`: person -> the `size` strongest ties."""
    counts, c_args = _counts(team_id, now, "", [])
    votes, v_args = _vote_pairs(team_id, now, "", [])
    # Millions of rows: streamed in chunks, as SQLite's cursor steps, rather than held whole
    # in the client (a third of a GB at 10,000 people; bench/digest.py --pg).
    rows = db.cursor().stream(f"{counts} UNION ALL {votes}", [*c_args, *v_args], size=STREAM_ROWS)
    return networks_from_pairs(rows, size)


def network_of(
    db: Conn, team_id: str, person: str, now: float, size: int = NETWORK_SIZE
) -> Network:
    """One person's network at `now` (the same as `all_networks` gives for them)."""
    tied: dict[str, float] = defaultdict(float)
    for where in (" AND actor = %s", " AND target = %s"):
        sql, args = _counts(team_id, now, where, [person])
        for actor, target, weight in db.execute(sql, args):
            tied[target if actor == person else actor] += weight
    for where in (" AND v.voter = %s", ' AND s.team_id = v.team_id AND s."user" = %s'):
        sql, args = _vote_pairs(team_id, now, where, [person])
        for voter, sharer, weight in db.execute(sql, args):
            tied[sharer if voter == person else voter] += weight
    tied.pop(person, None)
    return strongest(tied, size)
