"""Migrations that change what old rows mean, on databases in the shape older code left."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.capture_rules import learning_draft
from bot.envelopes import PARTS, part_of
from bot.models import ChannelInfo, ItemDraft, ShareInput
from bot.store import Store, personal_channel
from bot.store.migrations import MIGRATIONS, later
from bot.store.sql import capture, directory, face, fatigue
from bot.urls import link_key
from tests.support.clock import START, ticking
from tests.support.rawdb import raw

T = "T1"


def til(channel: str, ts: str, text: str, private: bool) -> ShareInput:
    return ShareInput(T, channel, ts, "U1", text, private, source="til")


def version_8(path: Path) -> Database:
    """A database as Serendip left it at schema version 8."""
    db = Database(sqlite3.connect(path))
    for number, step in enumerate(MIGRATIONS[:8], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    return db


async def test_m9_old_dm_tils_become_personal_notes(tmp_path: Path) -> None:
    path = tmp_path / "serendip.db"
    old = version_8(path)
    # As the code before personal notes stored them: a DM /til public with no channel, a
    # group-DM /til (before group DMs were recognised) private in the group DM's channel.
    dm = til("", "1700000000.000100", "TIL zebras purr", private=False)
    group = til("C7", "1700000001.000100", "TIL otters juggle", private=True)
    public = til("C1", "1700000002.000100", "TIL lemurs sing", private=False)
    mpim = ChannelInfo(T, "C7", "mpdm-ana--bo-1", is_private=True, is_dm=True)
    directory.upsert_channel(old, mpim, START)
    directory.upsert_channel(old, ChannelInfo(T, "C1", "general"), START)
    for share in (dm, group, public):
        draft = learning_draft(share.channel, share.ts, share.text, None)
        capture.replace_message(old, share, [draft], START)
    old.execute("INSERT INTO users (team_id, id, name) VALUES (?, 'U1', 'ana')", [T])
    old.conn.commit()
    old.conn.close()

    store = Store(path, clock=ticking()).open()
    try:
        records = {r["text"]: r for r in await store.export_items(T)}
        assert records["TIL zebras purr"]["private"] is True
        assert records["TIL otters juggle"]["private"] is True
        assert records["TIL lemurs sing"]["private"] is False
        assert [s["channel"] for s in records["TIL otters juggle"]["shares"]] == [None]  # none
        for words, text in (("zebras", "TIL zebras purr"), ("otters", "TIL otters juggle")):
            assert await store.search(T, words) == []  # colleagues no longer find them
            [hit] = await store.search(T, words, [personal_channel("U1")])  # the author does
            assert hit.item_id == records[text]["id"]
        assert len(await store.search(T, "lemurs")) == 1
        notes = await store.shares_at(T, "", dm.ts)
        assert [bool(n["is_private"]) for n in notes] == [True]
        person = await store.user(T, "U1")  # people gain their workspace, unknown until said
        assert person is not None
        assert (person.name, person.home_team, person.enterprise) == ("ana", None, None)
    finally:
        store.close()


MINE = MIGRATIONS.index(later.m12_one_item_per_thing)


def before_one_item_per_thing(path: Path) -> Database:
    """A database as Serendip left it before one item per thing."""
    db = Database(sqlite3.connect(path))
    for number, step in enumerate(MIGRATIONS[:MINE], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    return db


def old_link(url: str) -> ItemDraft:
    """A link item as the code before kept it: keyed by its URL exactly as spelled."""
    return ItemDraft(kind="link", key=f"link:{url}", url=url)


def share(ts: str, user: str, text: str) -> ShareInput:
    return ShareInput(T, "C1", ts, user, text, False)


def mark(db: Database, table: str, item_id: str, who: str, via: str) -> None:
    db.execute(f"INSERT INTO {table} VALUES (?, ?, ?, ?, 0, ?)", [T, item_id, who, via, START])


async def test_one_item_per_thing_merges_what_older_versions_kept_twice(tmp_path: Path) -> None:
    path = tmp_path / "serendip.db"
    old = before_one_item_per_thing(path)
    directory.upsert_channel(old, ChannelInfo(T, "C1", "general"), START)
    www, bare = "https://www.tube.example/v?id=1", "https://tube.example/v?id=1"
    first, second = share("1700000000.000100", "U1", "talk"), share("1700000001.0", "U2", "also")
    [www_id] = capture.replace_message(old, first, [old_link(www)], START)
    [bare_id] = capture.replace_message(old, second, [old_link(bare)], START)
    capture.set_reaction(old, T, "C1", second.ts, "U3", "+1", "useful", True, START)
    mark(old, "votes", bare_id, "U4", "digest")  # a digest's Useful button
    mark(old, "flags", bare_id, "U5", "shortcut")
    old.execute("INSERT INTO digest_sent VALUES (?, 'U6', ?, ?)", [T, bare_id, START])
    old.execute(
        "INSERT INTO url_aliases VALUES (?, 'link:https://www.tube.example/old', ?)", [T, bare_id]
    )
    til = share("1700000002.000100", "U1", "TIL walrus tusks grow <https://tusks.example/>")
    learning = learning_draft("C1", til.ts, til.text, "https://tusks.example/")
    [til_id, link_id] = capture.replace_message(
        old, til, [learning, old_link("https://tusks.example/")], START
    )
    mark(old, "votes", link_id, "U4", "digest")
    mark(old, "flags", link_id, "U5", "shortcut")
    capture.set_reaction(old, T, "C1", til.ts, "U2", "+1", "useful", True, START)
    old.conn.commit()
    old.conn.close()

    store = Store(path, clock=ticking()).open()
    try:
        records = {r["id"]: r for r in await store.export_items(T)}
        assert sorted(records) == sorted([www_id, til_id])  # the older of each pair survives
        talk = records[www_id]
        assert talk["url"] == www  # the first spelling seen
        assert [s["user"] for s in talk["shares"]] == ["U1", "U2"]
        assert sorted(talk["votes"]) == ["U3", "U4"]
        story = records[til_id]
        assert (story["kind"], story["url"]) == ("learning", "https://tusks.example/")
        assert sorted(story["votes"]) == ["U2", "U4"]  # both items' votes
        flags = sorted((f["item_id"], f["flagger"]) for f in await store.flags(T))
        assert flags == sorted([(www_id, "U5"), (til_id, "U5")])
        assert [h.item_id for h in await store.search(T, "also")] == [www_id]
        assert [h.item_id for h in await store.search(T, "walrus")] == [til_id]

        def rows(db: Database) -> tuple[object, ...]:
            return (
                db.execute("SELECT recipient, item_id FROM digest_sent").fetchall(),
                db.execute("SELECT key FROM items WHERE id = ?", [www_id]).fetchall(),
                db.execute("SELECT key, item_id FROM url_aliases").fetchall(),
                db.execute(
                    "SELECT count(*) FROM search_docs WHERE item_id IN (?, ?)", [bare_id, link_id]
                ).fetchall(),
            )

        sent, key, aliases, orphans = raw(store, rows)
        assert sent == [("U6", www_id)]
        assert key == [("link:https://tube.example/v?id=1",)]
        assert aliases == [("link:https://tube.example/old", www_id)]
        assert orphans == [(0,)]
        # A new share in either spelling joins the surviving item.
        again = ItemDraft(kind="link", key=link_key(bare), url=bare)
        assert await store.save_message(share("1700000003.0", "U3", "again"), [again]) == [www_id]
    finally:
        store.close()


async def test_one_item_per_host_follows_url_aliases(tmp_path: Path) -> None:
    path = tmp_path / "serendip.db"
    old = before_one_item_per_thing(path)
    directory.upsert_channel(old, ChannelInfo(T, "C1", "general"), START)
    bare = share("1700000000.000100", "U1", "the page")
    short = share("1700000001.000100", "U2", "a short link to it")
    [page] = capture.replace_message(old, bare, [old_link("https://a.example/")], START)
    [link] = capture.replace_message(old, short, [old_link("https://go.example/1")], START)
    # The short link was fetched: it redirects to the page's www. spelling.
    old.execute("INSERT INTO url_aliases VALUES (?, 'link:https://www.a.example/', ?)", [T, link])
    old.conn.commit()
    old.conn.close()

    store = Store(path, clock=ticking()).open()
    try:
        [item] = await store.export_items(T)
        assert (item["id"], item["url"]) == (page, "https://a.example/")
        assert [s["user"] for s in item["shares"]] == ["U1", "U2"]
        again = share("1700000002.000100", "U3", "the short link again")
        drafts = [ItemDraft(kind="link", key=link_key("https://go.example/1"), url="x")]
        assert await store.save_message(again, drafts) == [page]  # its old name still leads
    finally:
        store.close()


def sent_digest(db: Database, recipient: str, key: str, at: float) -> None:
    """A weekly personal digest sent (as the outbox keeps one) to `recipient`."""
    db.execute(
        "INSERT INTO outbox (team_id, recipient, kind, period_key, round, status, created_at,"
        " updated_at) VALUES (?, ?, 'person', ?, 0, 'sent', ?, ?)",
        [T, recipient, key, at, at],
    )


async def test_fatigue_counts_only_digests_after_the_upgrade(tmp_path: Path) -> None:
    # Four digests sent before fatigue existed move nobody on the first run after upgrading;
    # four sent after it do.
    path = tmp_path / "serendip.db"
    fatigue_at = MIGRATIONS.index(later.m16_fatigue_counts_from_upgrade)
    db = Database(sqlite3.connect(path))
    for number, step in enumerate(MIGRATIONS[:fatigue_at], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    for week in range(4):
        sent_digest(db, "U1", f"2026-W{10 + week}", START - (40 - 7 * week) * 86400)
    db.conn.commit()
    db.conn.close()
    store = Store(path, clock=ticking()).open()
    try:
        assert await store._read(fatigue.tired, T, START) == set()
        for week in range(4):
            raw(store, sent_digest, "U1", f"2026-W{20 + week}", START + week)
        assert await store._read(fatigue.tired, T, START + 10) == {"U1"}
    finally:
        store.close()


async def test_pending_events_get_their_partition_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "serendip.db"
    leases_at = MIGRATIONS.index(later.m17_inbox_partition_leases)
    db = Database(sqlite3.connect(path))
    for number, step in enumerate(MIGRATIONS[:leases_at], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    body = '{"event": {"type": "message", "channel": "C9", "ts": "5.5"}}'
    db.execute(
        "INSERT INTO inbox (team_id, event_id, body, received_at) VALUES (?, ?, ?, ?)",
        [T, "Ev1", body, START],
    )
    db.conn.commit()
    db.conn.close()
    store = Store(path, clock=ticking()).open()
    try:
        assert part_of(body) != 0  # (else the test could not fail)
        assert [(part, b) for _, part, b in await store.pending_events_in([part_of(body)])] == [
            (part_of(body), body)
        ]
        assert len(await store.partition_owners()) == PARTS
    finally:
        store.close()


# Timestamps as an item may hold them, the odd ones included: each reads as PostgreSQL's
# `created()` reads it, a number or else 0.
ODD_TIMES = ["1700000000.000100", "1700000000", "1700000000.", "", "abc", "1.2.3", "1e5", " 7"]


async def test_topic_terms_get_their_items_time_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "serendip.db"
    db = Database(sqlite3.connect(path))
    for number, step in enumerate(MIGRATIONS[: MIGRATIONS.index(later.m19_item_terms_created)]):
        step(db)
        db.execute(f"PRAGMA user_version = {number + 1}")
    for n, ts in enumerate(ODD_TIMES):
        db.execute(
            "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES (?, ?, ?, 'link', ?)",
            [f"I{n}", T, f"k{n}", ts],
        )
        db.execute(
            "INSERT INTO item_terms (team_id, item_id, term) VALUES (?, ?, 'x')", [T, f"I{n}"]
        )
    db.conn.commit()
    db.conn.close()
    Store(path, clock=ticking()).open().close()
    lite = sqlite3.connect(path)
    found = dict(lite.execute("SELECT item_id, created FROM item_terms"))
    lite.close()
    assert found == {f"I{n}": face.created_number(ts) for n, ts in enumerate(ODD_TIMES)}
    assert sorted(set(found.values())) == [0.0, 1700000000.0, 1700000000.0001]
