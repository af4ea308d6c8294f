"""A person's network of trust from everyday work (issue 14), as pure functions.

A tie between two people is what they did to each other in the last WINDOW_WEEKS weeks:
reactions and mentions weigh 1, replies 2, useful votes (a vote for what the other shared) 1,
and each week's count halves every HALF_LIFE_WEEKS weeks of age. A tie has no direction (ann
reacting to bob and bob replying to ann tie the same two people). A person's network is the
NETWORK_SIZE people with the strongest ties. The store aggregates the same definition in SQL;
these functions are its reference and serve what is small (one person, the tests).
"""

from __future__ import annotations

import heapq
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

import numpy as np

KIND_WEIGHTS = {"reaction": 1.0, "mention": 1.0, "reply": 2.0, "vote": 1.0}
HALF_LIFE_WEEKS = 8.0
WINDOW_WEEKS = 26
NETWORK_SIZE = 50
Network = Mapping[str, float]  # colleague -> tie strength


def monday_of(at: float) -> date:
    """The Monday (UTC) of the week a moment falls in."""
    day = datetime.fromtimestamp(at, UTC).date()
    return day - timedelta(days=day.weekday())


def week_factors(now: float) -> dict[str, float]:
    """What a count of each week in the window still weighs at `now`, by week ('YYYY-MM-DD',
    its Monday): 1 this week, half HALF_LIFE_WEEKS weeks ago."""
    this = monday_of(now)
    return {
        (this - timedelta(weeks=age)).isoformat(): 0.5 ** (age / HALF_LIFE_WEEKS)
        for age in range(WINDOW_WEEKS)
    }


def window_start(now: float) -> float:
    """The first moment (Unix seconds) the window of ties covers."""
    first = monday_of(now) - timedelta(weeks=WINDOW_WEEKS - 1)
    return datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()


def tie_weight(kind: str, n: int, week: str, now: float) -> float:
    """What `n` interactions of a kind in a week add to a tie at `now` (0 outside the window)."""
    return n * KIND_WEIGHTS.get(kind, 0.0) * week_factors(now).get(week, 0.0)


def ties(
    counts: Iterable[tuple[str, str, str, str, int]], now: float
) -> dict[str, dict[str, float]]:
    """Every tie from (week, actor, target, kind, n) counts, both ways: person -> colleague ->
    strength. Nobody is tied to themselves."""
    factors = week_factors(now)
    found: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for week, actor, target, kind, n in counts:
        weight = n * KIND_WEIGHTS.get(kind, 0.0) * factors.get(week, 0.0)
        if actor != target and weight > 0:
            found[actor][target] += weight
            found[target][actor] += weight
    return {person: dict(others) for person, others in found.items()}


def strongest(tied: Mapping[str, float], size: int = NETWORK_SIZE) -> dict[str, float]:
    """The `size` strongest ties (ties of equal strength: the smaller id first)."""
    kept = heapq.nsmallest(size, ((-s, who) for who, s in tied.items() if s > 0))
    return {who: -s for s, who in kept}


def networks(
    tied: Mapping[str, Mapping[str, float]], size: int = NETWORK_SIZE
) -> dict[str, Network]:
    """Every person's network from their ties."""
    return {person: strongest(others, size) for person, others in tied.items()}


def trust_of(network: Network) -> dict[str, float]:
    """How much a person trusts each colleague of their network, 0..1 (stronger ties more)."""
    return {who: s / (s + 1.0) for who, s in network.items() if s > 0}


def steps(a: str, b: str, network_of: Callable[[str], Network]) -> int | None:
    """How near two people are: 1 when either is in the other's network, 2 when their
    networks share someone (a colleague in common); else None."""
    if a == b:
        return 0
    mine, theirs = network_of(a), network_of(b)
    if b in mine or a in theirs:
        return 1
    return None if mine.keys().isdisjoint(theirs.keys()) else 2


def networks_from_pairs(
    rows: Iterable[tuple[str, str, float]], size: int = NETWORK_SIZE
) -> dict[str, dict[str, float]]:
    """Every person's network from (actor, target, weight) rows, summed both ways.

    Millions of rows: people become small integers and the sums and the ranking are numpy
    sorts, so memory holds a few arrays rather than a dictionary per pair.
    """
    index: dict[str, int] = {}
    actors: array[int] = array("l")
    targets: array[int] = array("l")
    weights: array[float] = array("d")
    for actor, target, weight in rows:
        if actor != target and weight > 0:
            actors.append(index.setdefault(actor, len(index)))
            targets.append(index.setdefault(target, len(index)))
            weights.append(weight)
    if not weights:
        return {}
    names = sorted(index)  # ids in order, so equal ties keep the smaller id, as `strongest`
    rank = np.empty(len(index), dtype=np.int64)
    rank[[index[n] for n in names]] = np.arange(len(names))
    a = rank[np.frombuffer(actors, dtype=np.int64)]
    b = rank[np.frombuffer(targets, dtype=np.int64)]
    w = np.frombuffer(weights, dtype=np.float64)
    keys, where = np.unique(
        np.concatenate([a * len(index) + b, b * len(index) + a]), return_inverse=True
    )
    sums = np.bincount(where, weights=np.concatenate([w, w]))
    first, second = keys // len(index), keys % len(index)
    order = np.lexsort((second, -sums, first))  # by person, strongest first, then by id
    first, second, sums = first[order], second[order], sums[order]
    starts = np.searchsorted(first, first, side="left")
    keep = (np.arange(len(first)) - starts) < size
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for p, q, s in zip(
        first[keep].tolist(), second[keep].tolist(), sums[keep].tolist(), strict=True
    ):
        found[names[p]][names[q]] = s
    return dict(found)
