"""Migrations that change what old rows mean, on databases in the shape older code left."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.capture_rules import learning_draft
from bot.models import ChannelInfo, ShareInput
from bot.store import Store, personal_channel
from bot.store.migrations import MIGRATIONS
from bot.store.sql import capture, directory
from tests.support.clock import START, ticking

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
