"""The "cross-team ties" figure on SQLite and PostgreSQL: the same pairs, the same count, with
careless ids (quotes, `%`, `_`, unicode) among them."""

from __future__ import annotations

from sqlite_utils import Database

from bot.network import monday_of
from bot.store import Store
from bot.store.sql.interactions import Interaction, add_interactions
from bot.store.sql.ties import cross_team_ties, worked_together
from tests.bot.store.seed import seed
from tests.bot.test_cross_team_ties import homes_and_items, vote
from tests.support.figures import DAY, NOW

WEEK = (NOW - 7 * DAY, NOW)
ODD = "U'; DROP TABLE votes; --"


def voted(db: Database) -> None:
    homes_and_items(db)
    vote(db, "ann", "bob0", NOW - DAY)  # same home: no cross-team tie
    vote(db, "ann", "cat0", NOW - DAY)  # ann-cat
    vote(db, "cat", "ann1", NOW - 2 * DAY)  # the same pair again, the other way
    vote(db, "eve", "dan0", NOW - DAY)  # eve has no home: not counted
    vote(db, "bob", "dan1", NOW - 10 * DAY)  # the week before
    vote(db, ODD, "dan0", NOW - DAY)  # a careless voter with no home
    vote(db, "Ünï_%", "cat1", NOW)  # at the window's end: outside it


async def seeded(store: Store) -> None:
    await seed(store, voted)
    this_week = monday_of(NOW).isoformat()
    replies = [
        Interaction(this_week, "", "dan", "cat", "reply"),  # dan-cat
        Interaction(this_week, "", "dan", "bob", "reaction"),  # a reaction is no reply
        Interaction(this_week, "G1", "dan", "ann", "reply"),  # a count only: still a pair
        Interaction(this_week, "", ODD, "ann", "reply"),
        Interaction(this_week, "", "dan", "dan", "reply"),  # themselves: no pair
    ]
    await store._write(add_interactions, "T1", replies)


async def test_pairs_across_home_channels_counted_once(any_store: Store) -> None:
    await seeded(any_store)
    assert await any_store._read(cross_team_ties, None, WEEK) == 3
    assert await any_store._read(cross_team_ties, "T1", WEEK) == 3
    assert await any_store._read(cross_team_ties, "T2", WEEK) == 0
    assert await any_store._read(cross_team_ties, ODD, WEEK) == 0
    assert await any_store._read(cross_team_ties, None, (NOW - 14 * DAY, NOW - 7 * DAY)) == 1
    assert await any_store._read(cross_team_ties, None, (NOW, NOW)) == 0


async def test_who_worked_together_in_id_order(any_store: Store) -> None:
    await seeded(any_store)
    assert await any_store._read(worked_together, "T1", WEEK) == {
        ("T1", "ann", "bob"),
        ("T1", "ann", "cat"),
        ("T1", "dan", "eve"),
        ("T1", ODD, "dan"),
        ("T1", "ann", "dan"),
        ("T1", "cat", "dan"),
        ("T1", ODD, "ann"),
    }
    earlier = (NOW - 14 * DAY, NOW - 7 * DAY)
    assert await any_store._read(worked_together, None, earlier) == {("T1", "bob", "dan")}
