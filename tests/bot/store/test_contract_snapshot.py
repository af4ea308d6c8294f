"""A digest run reads the same snapshot on SQLite and PostgreSQL: one workspace seeded the same
way on both (shares, votes of every careless kind, flags, answers, topics, settings, digests
sent, the archive's old well-voted items, the graph), then every field compared."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlite_utils import Database

from bot.digest_models import DigestSnapshot
from bot.models import ItemDraft, ShareInput, UserInfo
from bot.network import monday_of
from bot.store import Store
from bot.store.pg.store import PostgresStore
from bot.store.sql import archive, capture, digests
from bot.store.sql.interactions import Interaction, add_interactions
from bot.store.sql.snapshot import display_names
from bot.urls import canonical_url
from tests.bot.store.seed import database_sorting_by_language, seed
from tests.support.raw_rows import insert
from tests.support.seed import DAY, MONDAY, TEAM, channel, flag, person, share, ts_of, vote

NOW = MONDAY.timestamp()
T = NOW - 2 * DAY
OLD = (MONDAY - timedelta(days=120)).timestamp()
VOTERS = ("X1", "X2", "X3", "X4")
ODD = "U'; DROP TABLE votes; --"
VIAS = (
    *("m:C1:1.0", "d:C2:2.0", "d:C3:3.0:more", "m::4.0", "m:C4", "M:C6:1.0", "b", ""),
    *("m:C%_8:1.0", "d:C*[9]?:1.0", "m:Ç10:1.0", ":m:C11:1.0", "D:C12:1.0"),
)


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """A SQLite store and a PostgreSQL store (sorting text by language), on the same clock."""
    lite = Store(tmp_path / "s.db", clock=itertools.count(T, 0.001).__next__).open()
    try:
        with database_sorting_by_language() as url:
            clock = itertools.count(T, 0.001).__next__
            pg = PostgresStore(url, clock=clock, partial=True).open()
            try:
                yield lite, pg
            finally:
                pg.close()
    finally:
        lite.close()


async def tagged(store: Store, cid: str, user: str, url: str, at: float, tag: str) -> str:
    """A link shared with a hashtag (one of its topics); the message ts."""
    ts = ts_of(at)
    draft = ItemDraft("link", canonical_url(url) or url, url=url, title=url)
    await store.save_message(ShareInput(TEAM, cid, ts, user, f"#{tag} <{url}>", False), [draft])
    return ts


def raw_rows(db: Database) -> None:
    """What no verb here writes: votes of every `via`, answers, digests sent and planned."""
    item = db.execute("SELECT id FROM items WHERE url = 'https://a.example/'").fetchone()[0]
    b = db.execute("SELECT id FROM items WHERE url = 'https://b.example/'").fetchone()[0]
    for n, via in enumerate(VIAS):
        for voter, private in (("V1", 0), ("V2", n % 2), ("Ünï", 0), (ODD, 1)):
            db.execute(
                "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
                " VALUES ('T1', ?, ?, ?, ?, ?)",
                [item, voter, via, private, T - DAY + (n % 3)],
            )
    db.execute(
        "INSERT INTO questions (id, team_id, asker, text, status, channel, ts, asked_at,"
        " posted_at, answered_at, best_user, best_text, item_id, permalink) VALUES"
        " ('q1', 'T1', 'S1', 'how?', 'answered', 'C1', '1.0', ?, ?, ?, 'S2', 'like ''this'' %',"
        " ?, 'https://x.slack.com/p1')",
        [T, T, T, b],
    )
    db.execute(
        "INSERT INTO questions (id, team_id, asker, text, status, channel, ts, asked_at,"
        " posted_at) VALUES ('q2', 'T1', 'S3', 'kubernetes upgrade', 'open', 'C1', '2.0', ?, ?)",
        [T, T],
    )
    for recipient, item_id in (("R", item), ("R", b), ("X1", item), (ODD, b)):
        db.execute(
            "INSERT INTO digest_sent (team_id, recipient, item_id, at) VALUES ('T1', ?, ?, ?)",
            [recipient, item_id, T],
        )
    for n, (who, status) in enumerate((("R", "sent"), ("X2", "pending"), ("X3", "failed"))):
        db.execute(
            "INSERT INTO outbox (team_id, recipient, kind, period_key, status, created_at,"
            " updated_at) VALUES ('T1', ?, 'person', ?, ?, ?, ?)",
            [who, f"2026-W{n}", status, T - n, T - n],
        )
    db.execute(
        "INSERT INTO channels (team_id, id, name, is_member, is_archived) VALUES"
        " ('T1', 'C9', 'old', 1, 1)"
    )
    db.execute("INSERT INTO workspaces (team_id, url) VALUES ('T1', 'https://x.slack.com/')")


def same_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Item ids are the clock's milliseconds and a random part: made a counter here, the same
    writes give the same ids on both backends."""
    counter = itertools.count()
    fake = SimpleNamespace(token_hex=lambda n: f"{next(counter):0{2 * n}x}")
    monkeypatch.setattr(capture, "secrets", fake)


async def world(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same workspace on either backend, every write in the same order (the same clock)."""
    same_ids(monkeypatch)
    await channel(store, "C1", "general")
    await channel(store, "C2", "café_%")
    await channel(store, "G1", "secret", private=True)
    for uid in ("R", "F", "S1", "S2", "S3", "V1", "V2", *VOTERS, "b", "B", "Ünï"):
        await person(store, uid)
    await store.save_user(UserInfo(TEAM, ODD, "", "Ödd 'one'", "UTC"))
    await store.save_user(UserInfo(TEAM, "BOT", "bot", "Bot", "UTC", is_bot=True))
    a = await share(store, "C1", "S1", "https://a.example/", T - 3 * DAY, "A & 'a'")
    await share(store, "C2", "S2", "https://a.example/", T - 3 * DAY)  # same moment, other channel
    await share(store, "G1", "S3", "https://a.example/", T - DAY, private=True)
    b = await tagged(store, "C1", "S2", "https://b.example/", T - DAY, "kubernetes")
    await share(store, "C2", "b", "https://c.example/", T - 4 * DAY, kind="learning", title="x")
    await share(store, "C2", "B", "https://d.example/", T - 20 * DAY)  # before the window
    for voter in ("R", "F", "B", "b"):
        await vote(store, "C1", b, voter)
    await vote(store, "C1", a, "S2")
    await flag(store, "C1", a, "F")
    await flag(store, "C1", b, "F")
    for n, tag in enumerate(("kubernetes", "cooking", "kubernetes", "kubernetes")):
        old = await tagged(store, "C1", "S3", f"https://old{n}.example/", OLD + n, tag)
        for voter in VOTERS[: 3 + n % 2]:
            await vote(store, "C1", old, voter)
    await tagged(store, "C1", "S1", "https://old2.example/", T - 10 * DAY, "again")  # shared again
    await seed(store, raw_rows)
    week = monday_of(T).isoformat()
    graph = [
        Interaction(week, "", "R", "S1", "reply", 3),
        Interaction(week, "", "S1", "R", "mention", 2),
        Interaction(week, "G1", "R", "S3", "reply", 9),
        Interaction(monday_of(T - 30 * DAY).isoformat(), "", ODD, "R", "reaction", 1),
    ]
    await store._write(add_interactions, TEAM, graph)
    await store._write(digests.set_cadence, TEAM, "F", "daily", T)
    await store._write(digests.set_cadence, TEAM, "S3", "off", T)
    await store._write(digests.set_cadence, TEAM, "Ünï", "monthly", T)
    await store._write(digests.note_activity, TEAM, "BOT", T)
    await store._write(digests.note_activity, TEAM, "V2", T - 40 * DAY)
    await store.learn_dm(TEAM, "R", "D1")
    items = {
        f.url: f.item_id for f in (await store._read(archive.archive_items, TEAM, NOW)).values()
    }
    assert items  # the archive has candidates
    for who in ("R", ODD):
        await insert(
            store, "digest_sent", team_id=TEAM, recipient=who, item_id=min(items.values()), at=T
        )
    await store.less_like(TEAM, "R", next(iter(items.values())), "domain", T)
    await store.less_like(TEAM, "R", next(iter(items.values())), "sharer", T)


def same(lite: DigestSnapshot, pg: DigestSnapshot, args: object) -> None:
    """Field by field; orders that can reach a digest compared too, floats to the last bits."""
    for field in fields(DigestSnapshot):
        ours, theirs = getattr(lite, field.name), getattr(pg, field.name)
        if field.name == "networks":
            assert theirs.keys() == ours.keys(), args
            for who, net in ours.items():
                assert list(theirs[who]) == list(net), (args, who)
                assert theirs[who] == pytest.approx(net), (args, who)
            continue
        assert theirs == ours, (field.name, args)
        if isinstance(ours, dict) and field.name in ("items", "people", "channels", "archive"):
            assert list(theirs) == list(ours), (field.name, args)


async def test_the_snapshot_is_the_same_on_both_backends(
    both: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    lite, pg = both
    for store in both:
        await world(store, monkeypatch)
    snaps = []
    for full, mode in itertools.product((True, False), ("active", "optin")):
        for since, active in ((NOW - 7 * DAY, NOW - 28 * DAY), (NOW - 30 * DAY, NOW - DAY)):
            args = (TEAM, since, NOW, active, full, mode)
            ours = await lite.digest_snapshot(*args)
            same(ours, await pg.digest_snapshot(*args), args)
            snaps.append(ours)
    exercised = ("items", "archive", "archive_sent", "networks", "help_wanted", "sent")
    for name in (*exercised, "person_topics", "person_channels", "less_like", "impact", "names"):
        assert getattr(snaps[0], name), name
    assert set(snaps[0].people) >= {"R", "F", ODD}
    assert "BOT" not in snaps[0].people
    assert await pg._read(display_names, None) == await lite._read(display_names, None)
    other = ("T2", NOW - 7 * DAY, NOW, NOW)  # another workspace: nothing, on both
    assert await pg.digest_snapshot(*other) == await lite.digest_snapshot(*other)
