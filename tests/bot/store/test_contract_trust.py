"""The network of trust in SQL: the same ties as bot/network.py's definition, public only, on
SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.network import monday_of, networks, ties
from bot.store import Store
from bot.store.pg.store import PostgresStore
from bot.store.sql.interactions import Interaction, add_interactions
from bot.store.sql.trust import all_networks, network_of
from tests.bot.store.seed import seed as on_either
from tests.support.postgres import fresh_database
from tests.support.seed import DAY, MONDAY, channel, person, share, vote

NOW = MONDAY.timestamp() + 3 * DAY  # a Thursday
KINDS = ("reaction", "reply", "mention")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store on each backend whose clock stands two days before NOW (votes are stamped then)."""
    clock = itertools.count(NOW - 2 * DAY, 0.001).__next__
    if request.param == "sqlite":
        opened = Store(tmp_path / "s.db", clock=clock).open()
        yield opened
        opened.close()
        return
    with fresh_database() as url:
        pg = PostgresStore(url, clock=clock, partial=True).open()
        yield pg
        pg.close()


def random_counts(seed: int) -> list[Interaction]:
    rng = random.Random(seed)
    people = [f"U{n:02d}" for n in range(12)]
    weeks = sorted(monday_of(NOW - w * 7 * DAY).isoformat() for w in range(30))
    return [
        Interaction(
            rng.choice(weeks),
            rng.choice(["", "", "", "G1"]),
            rng.choice(people),
            rng.choice(people),
            rng.choice(KINDS),  # type: ignore[arg-type]
            rng.randint(1, 4),
        )
        for _ in range(400)
    ]


def older_vote(db: Database) -> None:
    """U04 found U01's share useful nine weeks ago (a button in an old digest)."""
    item = db.execute("SELECT item_id FROM shares WHERE user = 'U01'").fetchone()[0]
    db.execute(
        "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T1', ?, 'U04', 'b', ?)",
        [item, NOW - 63 * DAY],
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sql_networks_match_the_definition(store: Store, seed: int) -> None:
    counts = random_counts(seed)
    await store._write(add_interactions, "T1", counts)
    await channel(store, "C1", "general")
    await person(store, "U01")
    ts = await share(store, "C1", "U01", "https://one.example/", NOW - 3 * DAY)
    await vote(store, "C1", ts, "U02")
    await vote(store, "C1", ts, "U03")
    await on_either(store, older_vote)
    public: list[tuple[str, str, str, str, int]] = [
        (c.week, c.actor, c.target, c.kind, c.n) for c in counts if c.scope == ""
    ]
    voted = monday_of(NOW - 2 * DAY).isoformat()
    public += [(voted, "U02", "U01", "vote", 1), (voted, "U03", "U01", "vote", 1)]
    public.append((monday_of(NOW - 63 * DAY).isoformat(), "U04", "U01", "vote", 1))
    expected = networks(ties(public, NOW), 5)
    got = await store._read(all_networks, "T1", NOW, 5)
    assert got.keys() == expected.keys()
    for who, net in expected.items():
        assert got[who] == pytest.approx(net), who
        assert await store._read(network_of, "T1", who, NOW, 5) == pytest.approx(net)


async def test_a_private_channels_counts_and_votes_make_no_tie(store: Store) -> None:
    week = monday_of(NOW).isoformat()
    await store._write(add_interactions, "T1", [Interaction(week, "G1", "ann", "bob", "reply", 9)])
    await channel(store, "G1", "secret", private=True)
    ts = await share(store, "G1", "bob", "https://secret.example/", NOW - DAY, private=True)
    await vote(store, "G1", ts, "ann")
    assert await store._read(all_networks, "T1", NOW) == {}
    assert await store._read(network_of, "T1", "ann", NOW) == {}
    await store._write(add_interactions, "T1", [Interaction(week, "", "ann", "bob", "mention", 1)])
    assert await store._read(all_networks, "T1", NOW) == {"ann": {"bob": 1.0}, "bob": {"ann": 1.0}}
    assert await store._read(all_networks, "T2", NOW) == {}  # another workspace's graph is apart


def sunday_vote(db: Database) -> None:
    """U05 found U01's share useful late on a Sunday two weeks before NOW's week."""
    item = db.execute("SELECT item_id FROM shares WHERE user = 'U01'").fetchone()[0]
    late = MONDAY.timestamp() - 7 * DAY - 9 * 3600 - 60  # Sunday 23:59 UTC, 8 days earlier
    db.execute(
        "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T1', ?, 'U05', 'b', ?)",
        [item, late],
    )


async def test_a_vote_late_in_a_week_counts_in_that_week(store: Store) -> None:
    await channel(store, "C1", "general")
    ts = await share(store, "C1", "U01", "https://one.example/", NOW - 30 * DAY)
    assert ts
    await on_either(store, sunday_vote)
    expected = {"U05": 0.5 ** (2 / 8)}  # two weeks old, not one: a week is never rounded up
    assert await store._read(network_of, "T1", "U01", NOW) == pytest.approx(expected)
    assert (await store._read(all_networks, "T1", NOW))["U01"] == pytest.approx(expected)
