"""The interaction graph of bench/digest.py's synthetic workspace (issue 14).

Each person works with a few dozen colleagues from their channels (a heavy tail: some with
many more), and over the year before `now` reacts to, replies to and mentions them: counts per
(colleague, week, kind), a few in private channels, the most with their closest colleagues.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from itertools import accumulate
from typing import Any

from bot.network import monday_of

WEEKS = 52
KINDS = ("reaction", "reply", "mention")
KIND_CUM = tuple(accumulate((0.6, 0.25, 0.15)))
PRIVATE_SHARE = 0.05  # of counts, in one of the person's private channels
INSERT = (
    "INSERT OR IGNORE INTO interactions (team_id, week, scope, actor, target, kind, n)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def interaction_rows(
    team: str,
    people: list[str],
    channels: list[str],
    private: list[bool],
    members: list[list[int]],
    joined: list[list[int]],
    now: float,
    total: int,
    seed: int,
) -> Iterator[tuple[Any, ...]]:
    """About `total` distinct rows of counts, actor by actor (the table's key order)."""
    rng = random.Random(seed)
    this = monday_of(now)
    weeks = [(this - timedelta(weeks=w)).isoformat() for w in range(WEEKS)]
    week_cum = list(accumulate(1.0 + w / WEEKS for w in range(WEEKS)[::-1]))  # growing use
    per_person, owed = total / max(1, len(people)), 0.0  # what a small network could not take
    for actor in range(len(people)):
        mine = joined[actor]
        pool = [p for ch in mine for p in rng.sample(members[ch], min(40, len(members[ch])))]
        mates = sorted({p for p in pool if p != actor})
        if not mates:
            continue
        rng.shuffle(mates)
        mates = mates[: max(5, min(len(mates), int(rng.paretovariate(1.5) * 25)))]
        closeness = list(accumulate(1.0 / (rank + 1) for rank in range(len(mates))))
        hidden = [channels[ch] for ch in mine if private[ch]]
        asked = per_person * rng.uniform(0.5, 1.5) + owed
        wanted = min(int(asked), len(mates) * WEEKS)
        owed = asked - wanted
        seen: set[tuple[int, int, int, str]] = set()
        rows = []
        for _ in range(wanted * 3):  # a duplicate key is drawn again, within reason
            if len(rows) >= wanted:
                break
            mate = mates[rng.choices(range(len(mates)), cum_weights=closeness)[0]]
            week = rng.choices(range(WEEKS), cum_weights=week_cum)[0]
            kind = rng.choices(range(3), cum_weights=KIND_CUM)[0]
            scope = rng.choice(hidden) if hidden and rng.random() < PRIVATE_SHARE else ""
            key = (mate, week, kind, scope)
            if key not in seen:
                seen.add(key)
                rows.append(key)
        owed += wanted - len(rows)
        for mate, week, kind, scope in sorted(rows):
            n = 1 + int(rng.expovariate(0.7))
            yield team, weeks[week], scope, people[actor], people[mate], KINDS[kind], n
