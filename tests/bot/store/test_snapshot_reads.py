"""The digest snapshot's aggregates done in SQL: the same as parsing each vote in Python, on
SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.store import Store
from bot.store.pg.store import PostgresStore
from bot.store.sql.snapshot import channel_of_vote
from tests.bot.store.seed import seed, select
from tests.support.postgres import fresh_database
from tests.support.seed import DAY, MONDAY, TEAM, channel, person, share

NOW = MONDAY.timestamp()
# What a vote's `via` may hold, careless or hostile: only 'm:C:ts' and 'd:C:ts' name a channel.
VIAS = (
    "m:C1:1.0",
    "d:C2:2.0",
    "d:C3:3.0:more",
    "m::4.0",  # no channel
    "m:C4",  # two parts
    "x:C5:1.0",
    "M:C6:1.0",  # not 'm'
    "md:C7:1.0",
    "b",
    "",
    "m:C%_8:1.0",  # LIKE's wildcards
    "d:C*[9]?:1.0",  # GLOB's
    "m:Ç10:1.0",
    ":m:C11:1.0",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    clock = itertools.count(NOW - 3 * DAY, 0.001).__next__
    if request.param == "sqlite":
        opened = Store(tmp_path / "s.db", clock=clock).open()
        yield opened
        opened.close()
        return
    with fresh_database() as url:
        pg = PostgresStore(url, clock=clock).open()
        yield pg
        pg.close()


def votes(db: Database, item_id: str, rows: list[tuple[str, str, int]]) -> None:
    for voter, via, private in rows:
        db.execute(
            "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [TEAM, item_id, voter, via, private, NOW - 2 * DAY],
        )


def topics(db: Database, item_id: str, value: str) -> None:
    db.execute("UPDATE items SET topics = ? WHERE id = ?", [value, item_id])


async def seeded(store: Store) -> str:
    """One public share by U1 in C0; its item id."""
    await channel(store, "C0", "general")
    for uid in ("U1", "U2", "U3", "U4"):
        await person(store, uid)
    await share(store, "C0", "U1", "https://example.com/a", NOW - 4 * DAY)
    return str(select(store, "SELECT id FROM items")[0][0])


async def test_usual_channels_of_voters_are_parsed_as_channel_of_vote(store: Store) -> None:
    item = await seeded(store)
    await seed(store, votes, item, [("U2", via, 0) for via in VIAS] + [("U3", "m:C99:1.0", 1)])
    snap = await store.digest_snapshot(TEAM, NOW - 15 * DAY, NOW, NOW - 28 * DAY)
    expected = {channel_of_vote(via) for via in VIAS} - {""}
    assert snap.person_channels["U2"] == expected
    assert expected == {"C1", "C2", "C3", "C%_8", "C*[9]?", "Ç10"}
    assert "U3" not in snap.person_channels  # a private vote says nothing of usual channels
    assert snap.person_channels["U1"] == {"C0"}  # the sharer's own channel


async def test_voters_get_the_topics_of_what_they_voted_on(store: Store) -> None:
    item = await seeded(store)
    await share(store, "C0", "U1", "https://example.com/b", NOW - 5 * DAY)
    other = select(store, "SELECT id FROM items WHERE id != ?", item)[0][0]
    await seed(store, topics, item, '["rust", "db"]')
    await seed(store, topics, other, "[]")
    await seed(
        store, votes, item, [("U2", "m:C0:1.0", 0), ("U2", "b", 0), ("U3", "b", 0), ("U4", "b", 1)]
    )
    await seed(store, votes, other, [("U4", "b", 0)])
    snap = await store.digest_snapshot(TEAM, NOW - 15 * DAY, NOW, NOW - 28 * DAY)
    assert snap.person_topics["U2"] == snap.person_topics["U3"] == {"rust", "db"}
    assert snap.person_topics["U1"] == {"rust", "db"}  # the sharer's
    assert "U4" not in snap.person_topics  # a private vote, and a vote on no topic
