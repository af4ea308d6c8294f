"""Current-format exports: every capture rule, twice, and a newer export of the same history."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.models import ItemDraft, ShareInput
from bot.store import Store
from tests.support.current_export import (
    ANA,
    BO,
    CY,
    GENERAL,
    PETER,
    RANDOM,
    SECRET_ON,
    build,
    prepare,
)
from tests.support.exports import (
    TEAM,
    channel,
    counts,
    exported,
    message,
    person,
    run_import,
    write_export,
)
from tests.support.rawdb import raw


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, Any, dict[str, Any]]:
    """A store prepared and then filled from the current-format export."""
    db = tmp_path / "a.db"
    prepare(db)
    summary = run_import(db, build(tmp_path / "export"))
    return db, summary, by_name(exported(db))


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Links by URL, learnings by text."""
    return {str(i["url"] if i["kind"] == "link" else i["text"]): i for i in items}


def test_links_unfurls_votes_and_flags(imported: tuple[Path, Any, dict[str, Any]]) -> None:
    db, _summary, items = imported
    zulip = items["https://chat.zulip.org/"]
    assert zulip["title"] == "Public view of Zulip Community | Zulip team chat"
    assert zulip["site_name"] == "Zulip"
    assert zulip["text"].startswith("Text with a link\n*Text")
    assert sorted(zulip["votes"]) == [BO, ANA]
    assert zulip["created_at"] == "2026-02-25T14:19:48Z"
    store = Store(db).open()
    flags = asyncio.run(store.flags(TEAM))
    store.close()
    assert [(f["item_id"], f["flagger"]) for f in flags] == [(zulip["id"], CY)]
    guide = items["https://docs.example.com/guide"]
    assert guide["text"] == "@pieterceka123 test user mention @ana the guide"


def test_learnings_threads_and_private_capture(imported: tuple[Path, Any, dict[str, Any]]) -> None:
    db, _summary, items = imported
    learnings = {i["text"]: i for i in items.values() if i["kind"] == "learning"}
    assert set(learnings) == {
        "*TIL* sqlite has window functions",
        "learned today in #CTIL about FTS5",
        "TIL secrets https://inside.example.com/",
    }  # bookmarks ("Always pin your dependencies") never make a learning
    secret = learnings["TIL secrets https://inside.example.com/"]
    assert secret["private"] is True
    assert secret["url"] == "https://inside.example.com/"  # one item: the learning
    assert "https://inside.example.com/" not in items
    assert secret["shares"][0]["channel"] == SECRET_ON
    for url in (
        "https://fixed.example.com/",
        "https://slides.example.com/deck",
        "https://broadcast.example.com/",
        "https://thread.example.com/other",
    ):
        assert url in items
    store = Store(db).open()
    reply = asyncio.run(store.shares_at(TEAM, RANDOM, "1439868294.000007"))
    broadcast = asyncio.run(store.shares_at(TEAM, GENERAL, "1434139104.000002"))
    store.close()
    assert reply[0]["thread_ts"] == "1434139102.000002"
    assert broadcast[0]["thread_ts"] == "1434139102.000002"


def test_what_is_never_captured(imported: tuple[Path, Any, dict[str, Any]]) -> None:
    db, summary, items = imported
    never = (
        "secret",
        "bot",
        "helper",
        "vendor",
        "vendor2",
        "optout",
        "gone",
        "quiet",
        "hidden",
        "dm",
    )
    assert not [u for u in items if any(f"//{n}.example.com" in u for n in never)]
    assert summary.skipped["!nda"] == 1
    assert summary.skipped["bot"] == 2
    assert summary.skipped["outsider"] == 2
    assert summary.skipped["opted out or forgotten"] == 2
    assert summary.files_skipped == {
        "channel with capture off": 1,
        "private channel without capture on": 1,
        "direct messages (never captured)": 1,
    }
    store = Store(db).open()
    gone, vendor = (asyncio.run(store.user(TEAM, u)) for u in ("UGONE", "UEXT"))
    ana = asyncio.run(store.user(TEAM, ANA))
    store.close()
    assert gone is None
    assert vendor is None
    assert ana is not None
    assert ana.name == "ana"
    assert ana.tz == "Europe/Berlin"


def test_importing_twice_changes_nothing(
    tmp_path: Path, imported: tuple[Path, Any, dict[str, Any]]
) -> None:
    db, summary, _items = imported
    before, rows = exported(db), counts(db)
    assert len(before) == summary.items == 11
    assert rows["import_pending"] == 0
    export = build(tmp_path / "again")  # the same export unpacked anew: every file is read
    again = run_import(db, export)
    assert again.files_read == summary.files_read
    assert again.items == 0
    assert exported(db) == before
    assert counts(db) == rows


def test_a_newer_export_brings_edits_and_deletions(
    tmp_path: Path, imported: tuple[Path, Any, dict[str, Any]]
) -> None:
    db, _summary, items = imported
    later = json.loads((tmp_path / "export" / "random" / "2018-10-18.json").read_text())
    assert later[0]["ts"] == "1539868294.000007"  # the parent that shared thread.example/parent
    edits = [
        message(ANA, "1772200011.000100", "no link any more", edited={"ts": "1772400000.0"}),
        message(
            PETER,
            "1772112471.400529",
            "!nda <https://docs.example.com/guide>",
            edited={"ts": "1772400001.0"},
        ),
    ]
    tombstone = {
        "type": "message",
        "subtype": "tombstone",
        "ts": "1539868294.000007",
        "thread_ts": "1539868294.000007",
        "text": "This message was deleted.",
        "user": "USLACKBOT",
        "hidden": True,
    }
    newer = write_export(
        tmp_path / "newer",
        [],
        {"general": edits, "random": [tombstone]},
        public=[{"id": GENERAL, "name": "general"}, {"id": RANDOM, "name": "random"}],
    )
    (newer / "users.json").write_text((tmp_path / "export" / "users.json").read_text())
    run_import(db, newer)
    after = by_name(exported(db))
    gone = {
        "https://fixed.example.com/",
        "https://docs.example.com/guide",
        "https://thread.example.com/parent",
    }
    assert set(items) - set(after) == gone
    assert set(after) <= set(items)
    assert counts(db)["search_docs"] == len(after)


def test_imported_well_voted_items_join_the_well_voted_index(tmp_path: Path) -> None:
    people = [person(u, n) for u, n in (("U1", "ana"), ("U2", "bo"), ("U3", "cy"), ("U4", "dee"))]
    reactions = [{"name": "+1", "users": ["U2", "U3", "U4"], "count": 3}]
    messages = [
        message(
            "U1", "1700000000.000100", "TIL <https://voted.example/> walrus", reactions=reactions
        ),
        message("U1", "1700000100.000100", "TIL <https://quiet.example/> walrus"),
    ]
    path = write_export(
        tmp_path / "export",
        people,
        {"general": messages},
        public=[channel("C1", "general", ["U1", "U2", "U3", "U4"])],
    )
    db = tmp_path / "v.db"
    run_import(db, path)
    store = Store(db).open()
    try:

        def tops(d: Any) -> dict[str, int]:
            d.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
            d.execute("INSERT INTO search_top (search_top) VALUES ('integrity-check')")
            rows = d.execute(
                "SELECT i.url, max(s.top) FROM search_docs s JOIN items i ON i.id = s.item_id"
                " WHERE i.url IS NOT NULL GROUP BY i.url"
            )
            return {str(url): int(top) for url, top in rows}

        assert raw(store, tops) == {"https://voted.example/": 1, "https://quiet.example/": 0}
        hits = asyncio.run(store.search(TEAM, "walrus"))
        assert hits[0].url == "https://voted.example/"
        assert hits[0].votes == 3
    finally:
        store.close()


def test_an_older_export_never_brings_back_what_was_removed_live(tmp_path: Path) -> None:
    people = [person(u, n) for u, n in (("U1", "ana"), ("U2", "bo"))]
    messages = [
        message("U1", "1700000000.000100", "deleted since <https://gone.example/>"),
        message("U1", "1700000100.000100", "<https://kept.example/> and <https://also.example/>"),
        message("U2", "1700000200.000100", "still here <https://here.example/>"),
    ]
    path = write_export(
        tmp_path / "export",
        people,
        {"general": messages},
        public=[channel("C1", "general", ["U1", "U2"])],
    )
    db = tmp_path / "live.db"
    run_import(db, path)
    by_url = {str(i["url"]): i for i in exported(db) if i["url"]}
    store = Store(db).open()
    try:
        asyncio.run(store.remove_message(TEAM, "C1", "1700000000.000100"))  # deleted in Slack
        asyncio.run(store.remove_item(TEAM, by_url["https://kept.example/"]["id"]))
    finally:
        store.close()
    # The same export again, at a new path, so its files are new to the import.
    again = write_export(
        tmp_path / "export2",
        people,
        {"general": messages},
        public=[channel("C1", "general", ["U1", "U2"])],
    )
    run_import(db, again)
    links = sorted(str(i["url"]) for i in exported(db) if i["kind"] == "link")
    # Neither the deleted message nor the removed link; the message's other link stays.
    assert links == ["https://also.example/", "https://here.example/"]


def test_imported_reactions_reach_every_item_of_their_message(tmp_path: Path) -> None:
    people = [person(u, n) for u, n in (("U1", "ana"), ("U2", "bo"), ("U3", "cy"), ("U4", "dee"))]
    ts = "1700000000.000100"
    db = tmp_path / "saved.db"
    store = Store(db).open()
    try:  # the message was saved live as a learning (the shortcut), before any reaction
        share = ShareInput(
            TEAM,
            "C1",
            ts,
            "U1",
            "pin your deps <https://deps.example/>",
            False,
            source="save",
            saved_by="U2",
        )
        asyncio.run(
            store.save_learning(
                share, ItemDraft("learning", f"learning:C1:{ts}", text=share.text), None
            )
        )
    finally:
        store.close()
    reactions = [{"name": "+1", "users": ["U2", "U3", "U4"], "count": 3}]
    messages = [message("U1", ts, "pin your deps <https://deps.example/>", reactions=reactions)]
    path = write_export(
        tmp_path / "export",
        people,
        {"general": messages},
        public=[channel("C1", "general", ["U1", "U2", "U3", "U4"])],
    )
    run_import(db, path)
    votes = {i["kind"]: sorted(i["votes"]) for i in exported(db)}
    assert votes == {"learning": ["U2", "U3", "U4"], "link": ["U2", "U3", "U4"]}
