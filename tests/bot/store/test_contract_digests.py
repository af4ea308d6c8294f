"""The digests area on SQLite and PostgreSQL: the Useful button (and taking it back), who may
get a personal digest, and the archive's candidates, through the verbs where there are some."""

from __future__ import annotations

from pathlib import Path

from bot.models import UserInfo
from bot.store import Store
from bot.store.pg.store import PostgresStore
from bot.store.sql import archive, digests
from tests.bot.store.seed import database_sorting_by_language, select
from tests.support.clock import ticking
from tests.support.raw_rows import insert
from tests.support.seed import DAY, MONDAY, TEAM, channel, person, share, vote

NOW = MONDAY.timestamp()
ODD = "U'; DROP TABLE votes; --"


async def item_of(store: Store, url: str) -> str:
    rows = select(store, "SELECT id FROM items WHERE url = ?", url)
    return str(rows[0][0])


async def well_voted(store: Store) -> list[int]:
    """Whether the public document is in the well-voted index (the `top` of each)."""
    return [
        int(top) for (top,) in select(store, "SELECT top FROM search_docs WHERE scope = ?", TEAM)
    ]


async def test_useful_button_and_taking_it_back(any_store: Store) -> None:
    await channel(any_store, "C1", "general")
    await channel(any_store, "G1", "secret", private=True)
    await share(any_store, "C1", "S1", "https://a.example/", NOW - DAY, "Kubernetes 100%")
    item = await item_of(any_store, "https://a.example/")
    vote_ = any_store.button_vote
    assert await vote_(TEAM, item, "S1", "d:D1:1.0", NOW) == "own"
    assert await vote_(TEAM, "nope", "R", "d:D1:1.0", NOW) == "gone"
    assert await vote_("T2", item, "R", "d:D1:1.0", NOW) == "gone"  # another workspace's
    assert await vote_(TEAM, item, "R", "d:D1:1.0", NOW) == "voted"
    assert await vote_(TEAM, item, "R", "d:D1:2.0", NOW) == "again"
    assert await vote_(TEAM, item, ODD, "d:G1:1.0", NOW) == "voted"  # in a private channel
    assert await vote_(TEAM, item, "Ünï_%", "", NOW) == "voted"
    await any_store._write(digests.set_cadence, TEAM, "X", "weekly", NOW)
    await insert(any_store, "person_settings", team_id=TEAM, user_id="OUT", opted_out=1)
    assert await vote_(TEAM, item, "OUT", "d:D1:1.0", NOW) == "optedout"
    rows = select(any_store, "SELECT voter, is_private FROM votes ORDER BY voter")
    assert sorted(rows) == sorted([("R", 0), (ODD, 1), ("Ünï_%", 0)])
    # Two public voters and a private one: not yet in the well-voted index.
    assert await well_voted(any_store) == [0]
    await vote(any_store, "C1", select(any_store, "SELECT ts FROM shares")[0][0], "V")
    assert await well_voted(any_store) == [1]
    assert await any_store.button_unvote(TEAM, item, "R")
    assert not await any_store.button_unvote(TEAM, item, "R")
    assert not await any_store.button_unvote(TEAM, item, "V")  # a reaction's, not the button's
    assert await well_voted(any_store) == [0]
    await insert(any_store, "votes", team_id=TEAM, item_id=item, voter="W", via="D:x:1", at=NOW)
    assert await any_store.button_unvote(TEAM, item, "W")  # SQLite's LIKE: 'D:' is 'd:'
    await insert(any_store, "votes", team_id=TEAM, item_id=item, voter="W", via="dx%", at=NOW)
    assert not await any_store.button_unvote(TEAM, item, "W")


async def test_who_may_get_a_personal_digest(any_store: Store) -> None:
    await channel(any_store, "C1", "general")
    for uid in ("S1", "V", "A", "B"):
        await person(any_store, uid)
    await any_store.save_user(UserInfo(TEAM, "BOT", "bot", "Bot", "UTC", is_bot=True))
    await share(any_store, "C1", "S1", "https://a.example/", NOW - DAY)
    await vote(any_store, "C1", select(any_store, "SELECT ts FROM shares")[0][0], "V")
    await any_store._write(digests.note_activity, TEAM, "V", NOW - DAY)  # votes: the clock's
    await any_store._write(digests.note_activity, TEAM, "BOT", NOW)
    await any_store._write(digests.note_activity, TEAM, ODD, NOW)
    await any_store._write(digests.note_activity, TEAM, "OLD", NOW - 90 * DAY)
    await any_store._write(digests.set_cadence, TEAM, "A", "daily", NOW)
    await any_store._write(digests.set_cadence, TEAM, "B", "off", NOW)
    await any_store.learn_dm(TEAM, ODD, "D'1")
    for n, status in enumerate(("sent", "failed")):
        await insert(
            any_store,
            "outbox",
            team_id=TEAM,
            recipient="V" if n else ODD,
            kind="person",
            period_key=f"p{n}",
            status=status,
            created_at=NOW - n,
            updated_at=NOW,
        )
    found = await any_store._read(digests.recipients, TEAM, NOW - 28 * DAY, "active")
    assert list(found) == sorted(["A", "S1", "V", ODD])  # in id order, as bytes
    assert found[ODD].dm_channel == "D'1"
    assert found[ODD].had_digest
    assert found[ODD].last_digest_at == NOW
    assert not found["V"].had_digest
    assert found["V"].last_digest_at is None  # a failed digest is no digest
    assert found["A"].asked
    assert found["A"].cadence == "daily"
    assert "B" not in found  # off, and not active
    assert found["S1"].tz == "UTC"
    optin = await any_store._read(digests.recipients, TEAM, NOW - 28 * DAY, "optin")
    assert list(optin) == ["A"]


async def test_the_archive_ids_and_who_got_them(any_store: Store) -> None:
    await channel(any_store, "C1", "general")
    old = NOW - 120 * DAY
    for n in range(4):
        ts = await share(any_store, "C1", "S1", f"https://old{n}.example/", old + n)
        for voter in ("X1", "X2", "X3", "X4")[: 3 + n % 2]:
            await vote(any_store, "C1", ts, voter)
    ids = await any_store._read(archive.archive_ids, TEAM, NOW)
    urls = {await item_of(any_store, f"https://old{n}.example/"): n for n in range(4)}
    assert [urls[i] for i in ids] == [1, 3, 0, 2]  # most voters first, then by id
    assert await any_store._read(archive.archive_ids, TEAM, NOW, 2, 1) == ids[:2]
    assert await any_store._read(archive.archive_ids, "T2", NOW) == []
    items = await any_store._read(archive.archive_items, TEAM, NOW)
    assert list(items) == sorted(ids)
    await insert(any_store, "digest_sent", team_id=TEAM, recipient=ODD, item_id=ids[0], at=NOW)
    assert await any_store._read(archive.archive_sent, TEAM, ids) == {ODD: {ids[0]}}
    assert await any_store._read(archive.archive_sent, TEAM, []) == {}


async def test_ties_sort_as_bytes_in_a_database_sorting_by_language(tmp_path: Path) -> None:
    """ "Less like this" at one moment, and one channel name in two workspaces: SQLite's order
    (bytes: 'B' before 'a'), also where PostgreSQL's default would put 'a' first."""
    lite = Store(tmp_path / "s.db", clock=ticking()).open()
    try:
        with database_sorting_by_language() as url:
            pg = PostgresStore(url, clock=ticking(), partial=True).open()
            try:
                for store in (lite, pg):
                    for kind, value in (("sharer", "a"), ("sharer", "B"), ("domain", "b.x")):
                        row = {"team_id": TEAM, "user_id": "R", "kind": kind, "value": value}
                        await insert(store, "less_like", **row, at=NOW)
                    for team in ("a", "B"):
                        await insert(store, "channels", team_id=team, id=f"C{team}", name="x")
                answers = []
                for store in (lite, pg):
                    answers.append(
                        (
                            await store.less_liked(TEAM, "R"),
                            await store._read(digests.channel_by_name, "x", None),
                        )
                    )
                assert answers[0] == answers[1]
                assert answers[0] == ([("domain", "b.x"), ("sharer", "B"), ("sharer", "a")], "CB")
            finally:
                pg.close()
    finally:
        lite.close()
