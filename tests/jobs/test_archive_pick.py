"""The "From the archive" item (issue 15), from a real store seeded at chosen message times, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.models import ItemDraft, ShareInput
from bot.store import Store
from bot.store.pg.store import PostgresStore
from bot.store.sql import archive as archive_sql
from bot.urls import canonical_url
from jobs.compose import Composed, Composer, personal_digest
from jobs.digests import load
from jobs.periods import Period
from tests.support.postgres import fresh_database
from tests.support.rawdb import raw
from tests.support.seed import DAY, MONDAY, TEAM, channel, flag, person, share, ts_of, vote

WEEK = Period(MONDAY - timedelta(days=7), MONDAY, "2026-W49")
T = (MONDAY - timedelta(days=2)).timestamp()
OLD = (MONDAY - timedelta(days=120)).timestamp()  # 2 August 2026
VOTERS = ("X1", "X2", "X3", "X4")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    clock = itertools.count(T, 0.001).__next__
    if request.param == "sqlite":
        opened = Store(tmp_path / "serendip.db", clock=clock).open()
        yield opened
        opened.close()
        return
    with fresh_database() as url:
        pg = PostgresStore(url, clock=clock).open()  # every area ported: not `partial`
        yield pg
        pg.close()


async def tagged(
    store: Store, cid: str, user: str, url: str, at: float, tag: str, private: bool = False
) -> str:
    """A link shared with a hashtag (which becomes one of its topics); the message ts."""
    ts = ts_of(at)
    text = f"#{tag} <{url}>"
    draft = ItemDraft("link", canonical_url(url) or url, url=url, title=url)
    await store.save_message(ShareInput(TEAM, cid, ts, user, text, private), [draft])
    return ts


async def voted(store: Store, cid: str, ts: str, voters: tuple[str, ...]) -> None:
    for voter in voters:
        await vote(store, cid, ts, voter)


async def base(store: Store) -> None:
    await channel(store, "C1", "general")
    await channel(store, "G1", "secret", private=True)
    for uid in ("R", "F", "S1", "S2", "S3", *VOTERS):
        await person(store, uid)
    # R engaged with #kubernetes this month; S1 shared something new for R this week.
    await tagged(store, "C1", "R", "https://r.example/", T, "kubernetes")
    await share(store, "C1", "S1", "https://new.example/", T + 60, "New this week")


async def digest(store: Store, person_id: str = "R") -> Composed:
    composed = personal_digest(Composer(await load(store, TEAM, MONDAY)), person_id, WEEK)
    assert composed is not None
    return composed


def archive(composed: Composed) -> list[tuple[str, str]]:
    return [
        (i.url or "", i.why)
        for s in composed.view.sections
        if s.heading == "From the archive"
        for i in s.items
    ]


async def test_the_best_voted_old_item_on_the_persons_topics(store: Store) -> None:
    await base(store)
    good = await tagged(store, "C1", "S1", "https://good.example/", OLD, "kubernetes")
    await voted(store, "C1", good, VOTERS[:3])
    more = await tagged(store, "C1", "S2", "https://cooking.example/", OLD + 60, "cooking")
    await voted(store, "C1", more, VOTERS)  # more votes, but not R's topic
    few = await tagged(store, "C1", "S2", "https://few.example/", OLD + 120, "kubernetes")
    await voted(store, "C1", few, VOTERS[:2])  # not well voted
    composed = await digest(store)
    assert archive(composed) == [("https://good.example/", "useful to 3 people, from August")]
    ids = composed.item_ids
    assert len(ids) == 2  # the new link and the archive item: both recorded as sent to R
    assert [s.heading for s in composed.view.sections if s.items][-1] == "From the archive"


async def test_never_flagged_dead_private_too_old_too_new_or_theirs(store: Store) -> None:
    await base(store)
    flagged = await tagged(store, "C1", "S1", "https://flagged.example/", OLD, "kubernetes")
    await voted(store, "C1", flagged, VOTERS)
    await flag(store, "C1", flagged, "F")  # one flag is enough to keep it in the past
    secret = await tagged(store, "G1", "S2", "https://secret.example/", OLD, "kubernetes", True)
    await voted(store, "G1", secret, VOTERS)
    ancient = OLD - 300 * DAY  # 420 days before the digest
    too_old = await tagged(store, "C1", "S2", "https://ancient.example/", ancient, "kubernetes")
    await voted(store, "C1", too_old, VOTERS)
    young = OLD + 60 * DAY  # 60 days before the digest
    too_new = await tagged(store, "C1", "S2", "https://young.example/", young, "kubernetes")
    await voted(store, "C1", too_new, VOTERS)
    resurfaced = await tagged(store, "C1", "S3", "https://again.example/", OLD + 15, "kubernetes")
    await voted(store, "C1", resurfaced, VOTERS)
    await tagged(store, "C1", "S1", "https://again.example/", T - DAY * 20, "kubernetes")
    theirs = await tagged(store, "C1", "S3", "https://theirs.example/", OLD + 5, "kubernetes")
    await voted(store, "C1", theirs, (*VOTERS, "R"))
    dead = await tagged(store, "C1", "S3", "https://dead.example/", OLD + 9, "kubernetes")
    await voted(store, "C1", dead, VOTERS)
    dead_id = next(i["id"] for i in await store.export_items() if "dead" in str(i["url"]))
    for day in range(3):
        await store.record_check(dead_id, "gone", T + day * DAY)
    snap = await load(store, TEAM, MONDAY)
    # The store's filters leave one: R's own vote is for the job to see.
    assert [f.url for f in snap.archive.values()] == ["https://theirs.example/"]
    assert archive(await digest(store)) == []
    # The same item, unflagged and alive, would have been picked: the filters did it.
    fine = await tagged(store, "C1", "S3", "https://fine.example/", OLD + 30, "kubernetes")
    await voted(store, "C1", fine, VOTERS[:3])
    assert [url for url, _ in archive(await digest(store))] == ["https://fine.example/"]


async def test_never_twice_never_less_liked_and_only_with_topics(store: Store) -> None:
    await base(store)
    first = await tagged(store, "C1", "S1", "https://first.example/", OLD, "kubernetes")
    await voted(store, "C1", first, VOTERS)
    second = await tagged(store, "C1", "S2", "https://second.example/", OLD + 60, "kubernetes")
    await voted(store, "C1", second, VOTERS[:3])
    snap = await load(store, TEAM, MONDAY)
    comp = Composer(snap)
    chosen = personal_digest(comp, "R", WEEK)
    assert chosen is not None
    assert [u for u, _ in archive(chosen)] == ["https://first.example/"]
    first_id = next(i for i, f in snap.archive.items() if f.url == "https://first.example/")
    snap.archive_sent["R"] = {first_id}  # sent to R in an earlier digest
    again = personal_digest(Composer(snap), "R", WEEK)
    assert again is not None
    assert [u for u, _ in archive(again)] == ["https://second.example/"]
    snap.less_like["R"] = {("sharer", "S2")}
    assert archive(personal_digest(Composer(snap), "R", WEEK) or again) == []
    # Someone with no topics of late gets no archive item.
    await share(store, "C1", "F", "https://f.example/", T, "F's own")
    other = personal_digest(Composer(await load(store, TEAM, MONDAY)), "F", WEEK)
    assert other is not None
    assert archive(other) == []


async def test_the_archive_alone_makes_no_digest(store: Store) -> None:
    await channel(store, "C1", "general")
    for uid in ("R", "S1", *VOTERS):
        await person(store, uid)
    await tagged(store, "C1", "R", "https://r.example/", T, "kubernetes")
    old = await tagged(store, "C1", "S1", "https://old.example/", OLD, "kubernetes")
    await voted(store, "C1", old, VOTERS)
    assert personal_digest(Composer(await load(store, TEAM, MONDAY)), "R", WEEK) is None


async def test_candidates_are_the_most_publicly_voted_whatever_their_private_votes(
    store: Store,
) -> None:
    # Candidates are read in the order of all their voters, then checked for public ones:
    # an item with many private votes must not take the place of one with more public votes,
    # however small the chunks.
    await base(store)
    await channel(store, "G1", "secret", private=True)
    for uid in ("P1", "P2", "P3", "X5"):
        await person(store, uid)
    shared = {}
    for n, (url, public, private) in enumerate(
        (("https://a.example/", 3, 3), ("https://b.example/", 5, 0), ("https://c.example/", 4, 0))
    ):
        ts = await tagged(store, "C1", "S1", url, OLD + n, "kubernetes")
        await voted(store, "C1", ts, ("X1", "X2", "X3", "X4", "X5")[:public])
        if private:
            secret = await tagged(store, "G1", "S1", url, OLD + n + 0.5, "kubernetes", True)
            await voted(store, "G1", secret, ("P1", "P2", "P3")[:private])
        shared[url] = n
    ids = {i["id"]: str(i["url"]) for i in await store.export_items()}
    now = MONDAY.timestamp()
    for chunk in (1, 2, 500):
        found = await store._read(archive_sql.archive_ids, TEAM, now, 2, chunk)
        assert [ids[i] for i in found] == ["https://b.example/", "https://c.example/"], chunk
    every = await store._read(archive_sql.archive_ids, TEAM, now, 10, 1)
    assert [ids[i] for i in every][-1] == "https://a.example/"  # 3 public voters: still one


def test_candidates_read_the_well_voted_documents_of_their_window(tmp_path: Path) -> None:
    # Not every share of the window with its votes (5.6 s at 1 million items): a rowid range
    # of the workspace's well-voted documents, not of every workspace's (migration 24).
    opened = Store(tmp_path / "plan.db").open()
    try:
        args = archive_sql.archive_args(TEAM, MONDAY.timestamp())
        plan = raw(
            opened,
            lambda db: str(
                db.execute(f"EXPLAIN QUERY PLAN {archive_sql.CANDIDATES}", args).fetchall()
            ),
        )
    finally:
        opened.close()
    assert "SEARCH d USING INDEX search_docs_top_scope (scope=? AND rowid>? AND rowid<?)" in plan
    assert "shares" not in plan


async def test_the_month_shown_is_the_first_public_share(store: Store) -> None:
    # First shared in #secret in July, then in #general in August: the reader is told August,
    # the month they could have seen it (and nothing of the private channel's July).
    await base(store)
    secret = await tagged(
        store, "G1", "S1", "https://good.example/", OLD - 20 * DAY, "kubernetes", True
    )
    public = await tagged(store, "C1", "S1", "https://good.example/", OLD, "kubernetes")
    await voted(store, "C1", public, VOTERS[:3])
    await voted(store, "G1", secret, ("S2",))
    assert archive(await digest(store)) == [
        ("https://good.example/", "useful to 3 people, from August")
    ]
