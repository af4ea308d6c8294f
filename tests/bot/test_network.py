"""The network of trust as pure functions: tie weights, decay, the window, the 50 strongest."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.network import (
    NETWORK_SIZE,
    monday_of,
    networks,
    networks_from_pairs,
    steps,
    strongest,
    tie_weight,
    ties,
    trust_of,
    week_factors,
)

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC).timestamp()  # a Thursday
THIS = "2026-11-30"  # its Monday


def test_weights_by_kind_and_halving_every_eight_weeks() -> None:
    assert monday_of(NOW).isoformat() == THIS
    assert tie_weight("reaction", 3, THIS, NOW) == 3.0
    assert tie_weight("mention", 1, THIS, NOW) == 1.0
    assert tie_weight("reply", 1, THIS, NOW) == 2.0
    assert tie_weight("vote", 1, THIS, NOW) == 1.0
    assert tie_weight("reply", 1, "2026-10-05", NOW) == 1.0  # 8 weeks ago: half
    assert tie_weight("reaction", 4, "2026-08-10", NOW) == 1.0  # 16 weeks ago: a quarter
    assert tie_weight("reaction", 1, "2026-06-08", NOW) > 0  # the 26th week: still in
    assert tie_weight("reaction", 1, "2026-06-01", NOW) == 0.0  # 26 weeks ago: out
    assert tie_weight("emoji", 1, THIS, NOW) == 0.0
    assert len(week_factors(NOW)) == 26


def test_a_tie_has_no_direction_and_nobody_ties_to_themselves() -> None:
    found = ties(
        [
            (THIS, "ann", "bob", "reaction", 1),
            (THIS, "bob", "ann", "reply", 1),
            (THIS, "ann", "ann", "mention", 5),
            ("2026-10-05", "ann", "cat", "mention", 2),
        ],
        NOW,
    )
    assert found["ann"] == {"bob": 3.0, "cat": 1.0}
    assert found["bob"] == {"ann": 3.0}
    assert found["cat"] == {"ann": 1.0}


def test_a_network_is_the_fifty_strongest_ties() -> None:
    tied = {f"U{n:03d}": float(n) for n in range(1, 80)}
    kept = strongest(tied)
    assert len(kept) == NETWORK_SIZE
    assert min(kept.values()) == 30.0
    assert strongest({"b": 1.0, "a": 1.0, "c": 2.0}, 2) == {"c": 2.0, "a": 1.0}
    assert networks({"ann": {"bob": 1.0, "cat": 0.0}}) == {"ann": {"bob": 1.0}}
    trust = trust_of({"bob": 3.0, "cat": 1.0})
    assert trust["bob"] > trust["cat"] > 0
    assert trust["bob"] < 1


def test_steps_one_two_or_far() -> None:
    nets = {"ann": {"bob": 1.0}, "bob": {"ann": 1.0, "cat": 1.0}, "cat": {"bob": 1.0}}
    of = lambda p: nets.get(p, {})  # noqa: E731
    assert steps("ann", "bob", of) == 1
    assert steps("ann", "cat", of) == 2  # both tied to bob
    assert steps("ann", "dan", of) is None
    assert steps("dan", "ann", of) is None
    assert steps("ann", "ann", of) == 0


def test_the_numpy_ranking_equals_the_definition() -> None:
    rng = random.Random(7)
    people = [f"U{n}" for n in range(15)]
    rows = [
        (rng.choice(people), rng.choice(people), float(rng.randint(0, 3)) / 2) for _ in range(300)
    ]
    tied: dict[str, dict[str, float]] = {}
    for a, b, w in rows:
        if a != b and w > 0:
            tied.setdefault(a, {}).setdefault(b, 0.0)
            tied.setdefault(b, {}).setdefault(a, 0.0)
            tied[a][b] += w
            tied[b][a] += w
    assert networks_from_pairs(rows, 4) == networks(tied, 4)  # equal ties: smaller id first
    assert networks_from_pairs([], 4) == {}
