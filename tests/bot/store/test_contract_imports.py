"""`serendip import`'s writes behave the same on SQLite and PostgreSQL (the contract suite):
people and channels added but never overwritten, batches of shares made into items once,
what was removed live left out, day files remembered, and items listed for the refresh."""

from __future__ import annotations

from typing import Any

from bot.models import ChannelInfo, ImportBatch, ItemDraft, ShareInput, UserInfo
from bot.store import Interaction, Store
from bot.store.sql.interactions import week_of
from tests.bot.store.seed import insert, select
from tests.support.clock import START

T = "T1"
ODD = "U'; DROP TABLE items; --"


def link(url: str, title: str | None = None) -> ItemDraft:
    return ItemDraft("link", f"link:{url}", url=url, title=title)


def share(channel: str, ts: str, user: str | None, text: str, **kw: object) -> ShareInput:
    return ShareInput(T, channel, ts, user, text, False, **kw)  # type: ignore[arg-type]


def items(store: Store) -> list[tuple[Any, ...]]:
    return select(store, "SELECT key, kind, title, created_ts FROM items ORDER BY key")


def shares(store: Store) -> list[tuple[Any, ...]]:
    return select(
        store,
        "SELECT i.key, s.channel, s.ts, s.at, s.user, s.text, s.source, s.saved_by"
        " FROM shares s JOIN items i ON i.id = s.item_id ORDER BY i.key, s.channel, s.ts",
    )


async def test_people_and_channels_are_added_never_overwritten(any_store: Store) -> None:
    await any_store.save_user(UserInfo(T, "U1", "live-name"))
    await any_store.set_opt_out(T, "U2", True)
    await any_store.save_channel(ChannelInfo(T, "C1", None, capture="off"))
    any_store.import_people(
        [
            UserInfo(T, "U1", "export-name"),
            UserInfo(T, "U2", "gone"),
            UserInfo(T, ODD, "O'Brien %_", "Zoë", "Europe/Paris", is_admin=True),
            UserInfo(T, "U4", None, deleted=True),
        ],
        [
            ChannelInfo(T, "C1", "general"),
            ChannelInfo(T, "G1", "secret_%", is_private=True, is_member=True),
            ChannelInfo(T, "D1", None, is_dm=True),
        ],
    )
    assert (await any_store.user(T, "U1")).name == "live-name"  # type: ignore[union-attr]
    assert await any_store.user(T, "U2") is None  # opted out: not added back
    odd = await any_store.user(T, ODD)
    assert odd is not None
    assert (odd.name, odd.real_name, odd.tz, odd.is_admin) == (
        "O'Brien %_",
        "Zoë",
        "Europe/Paris",
        True,
    )
    assert (await any_store.user(T, "U4")).deleted  # type: ignore[union-attr]
    general = await any_store.channel(T, "C1")
    assert general is not None
    assert (general.name, general.capture) == ("general", "off")  # a missing name is filled in
    secret = await any_store.channel(T, "G1")
    assert secret is not None
    assert (secret.name, secret.is_private, secret.is_member) == ("secret_%", True, False)
    any_store.import_people([], [ChannelInfo(T, "C1", "renamed")])  # a known name stays
    assert (await any_store.channel(T, "C1")).name == "general"  # type: ignore[union-attr]
    opted_out, settings, files = any_store.import_context(T)
    assert opted_out == {"U2"}
    assert settings == {"C1": "off", "G1": None, "D1": None}
    assert files == {}
    assert any_store.import_context("T2") == (set(), {}, {})


async def test_a_batch_makes_items_once_and_lists_them_for_the_refresh(any_store: Store) -> None:
    any_store.import_mode(64)  # a bigger page cache on SQLite; nothing to do on PostgreSQL
    week = week_of(START)
    first = ImportBatch(
        T,
        shares=[
            (share("C1", "100.000001", "U1", "see <https://a.io/>"), link("https://a.io/", "A")),
            (share("C1", "100.000001", "U1", "see"), link("https://b.io/")),
            (share("C2", "200.5", ODD, "'; -- 100% _"), link("https://a.io/", "A again")),
            (
                share("C3", "garbage", None, "ünïcödé"),
                ItemDraft("learning", "learning:x", text="x"),
            ),
        ],
        files=[("C1/2020-01-01.json", "f1", 3), ("C'2/2020-01-02.json", "f2", 1)],
        interactions=[(week, "", "U1", ODD, "mention"), ("2001-01-01", "", "U1", "U2", "reply")],
        messages=4,
    )
    assert any_store.import_batch(first).result() == 3
    assert any_store.import_pending(T) == 3
    assert [(k, kind, title, ts) for k, kind, title, ts in items(any_store)] == [
        ("learning:x", "learning", None, "garbage"),
        ("link:https://a.io/", "link", "A again", "200.5"),  # a key's last draft makes it
        ("link:https://b.io/", "link", None, "100.000001"),
    ]
    assert shares(any_store) == [
        ("learning:x", "C3", "garbage", 0.0, None, "ünïcödé", "message", None),
        (
            "link:https://a.io/",
            "C1",
            "100.000001",
            100.000001,
            "U1",
            "see <https://a.io/>",
            "message",
            None,
        ),
        ("link:https://a.io/", "C2", "200.5", 200.5, ODD, "'; -- 100% _", "message", None),
        ("link:https://b.io/", "C1", "100.000001", 100.000001, "U1", "see", "message", None),
    ]
    assert await any_store.interaction_counts(T) == [Interaction(week, "", "U1", ODD, "mention")]
    # The same day again, one file re-exported: no new item, the file's new fingerprint kept.
    again = ImportBatch(
        T,
        shares=[(share("C1", "100.000001", "U1", "edited", saved_by="U9"), link("https://a.io/"))],
        files=[("C1/2020-01-01.json", "f1-new", 4)],
    )
    assert any_store.import_batch(again).result() == 0
    assert any_store.import_context(T)[2] == {
        "C1/2020-01-01.json": "f1-new",
        "C'2/2020-01-02.json": "f2",
    }
    assert (
        "link:https://a.io/",
        "C1",
        "100.000001",
        100.000001,
        "U1",
        "edited",
        "message",
        "U9",
    ) in shares(any_store)
    assert len(items(any_store)) == 3


async def test_what_was_removed_live_stays_removed_and_aliases_are_followed(
    any_store: Store,
) -> None:
    item = {"team_id": T, "kind": "link", "created_ts": "1.0"}
    await insert(any_store, "items", [item | {"id": "old", "key": "link:https://old.io/"}])
    alias = {"team_id": T, "key": "link:https://alias.io/", "item_id": "old"}
    await insert(any_store, "url_aliases", [alias])
    gone = {"team_id": T, "channel": "C1"}
    await insert(
        any_store,
        "removed_shares",
        [
            gone | {"ts": "1.0", "item_key": "*"},
            gone | {"ts": "2.0", "item_key": "link:https://b.io/"},
        ],
    )
    batch = ImportBatch(
        T,
        shares=[
            (share("C1", "1.0", "U1", "deleted live"), link("https://a.io/")),
            (share("C1", "2.0", "U1", "one link removed"), link("https://b.io/")),
            (share("C1", "2.0", "U1", "one link removed"), link("https://c.io/")),
            (share("C2", "1.0", "U1", "another channel"), link("https://alias.io/")),
        ],
        reactions=[("C1", "1.0", "U2", "+1", "useful")],  # on the deleted message: dropped
    )
    assert any_store.import_batch(batch).result() == 1
    assert [s[:3] for s in shares(any_store)] == [
        ("link:https://c.io/", "C1", "2.0"),
        ("link:https://old.io/", "C2", "1.0"),
    ]
    assert select(any_store, "SELECT count(*) FROM reactions") == [(0,)]
    assert any_store.import_pending(T) == 2


async def test_an_edited_message_shares_only_its_last_version(any_store: Store) -> None:
    first = ImportBatch(
        T,
        shares=[
            (share("C1", "5.0", "U1", "v1"), link("https://a.io/")),
            (share("C1", "5.0", "U1", "v1"), link("https://b.io/")),
        ],
        reactions=[("C1", "5.0", "U2", "+1", "useful"), ("C1", "5.0", "U2", "+1", "useful")],
    )
    assert any_store.import_batch(first).result() == 2
    edited = ImportBatch(
        T,
        shares=[(share("C1", "5.0", "U1", "v2"), link("https://b.io/"))],
        replaced=[("C1", "5.0")],
    )
    assert any_store.import_batch(edited).result() == 0
    assert [(s[0], s[5]) for s in shares(any_store)] == [("link:https://b.io/", "v2")]
    assert select(any_store, "SELECT user, emoji FROM reactions") == [("U2", "+1")]
    assert any_store.import_pending(T) == 2  # a.io waits for the refresh to go
    removed = ImportBatch(T, removed=[("C1", "5.0")])
    any_store.import_batch(removed).result()
    assert shares(any_store) == []


async def test_the_refresh_gives_imported_items_faces_votes_and_documents(
    any_store: Store,
) -> None:
    alice = UserInfo(T, "U1", "alice")
    any_store.import_people([alice], [ChannelInfo(T, "C1", "general")])
    batch = ImportBatch(
        T,
        shares=[
            (
                share("C1", "10.0", "U1", "<@U1> says #postgres tuning"),
                link("https://a.io/", "Tuning"),
            ),
            (share("C1", "20.0", "U2", "'; -- 100%"), link("https://a.io/", "Later title")),
            (share("C2", "30.0", "U3", "ünïcödé"), ItemDraft("learning", "learning:u", text="u")),
        ],
        reactions=[
            ("C1", "10.0", "U4", "+1", "useful"),
            ("C1", "10.0", "U4", "heart", "useful"),  # one vote per person and message
            ("C1", "10.0", "U2", "+1", "useful"),  # a sharer's own: no vote
            ("C1", "20.0", "U5", "triangular_flag_on_post", "flag"),
        ],
    )
    assert any_store.import_batch(batch).result() == 2
    assert any_store.import_pending(T) == 2
    assert any_store.refresh_imported(T, limit=1) == 1
    assert any_store.refresh_imported(T) == 1
    assert any_store.refresh_imported(T) == 0
    faces = select(any_store, "SELECT key, created_ts, title, text, topics FROM items ORDER BY key")
    assert [f[:4] for f in faces] == [
        ("learning:u", "30.0", None, "ünïcödé"),
        ("link:https://a.io/", "10.0", "Tuning", "@alice says #postgres tuning"),
    ]
    assert "postgres" in faces[1][4]
    marks = "SELECT voter, via, at FROM votes UNION ALL SELECT flagger, via, at FROM flags"
    assert sorted(select(any_store, marks)) == [
        ("U4", "m:C1:10.0", 10.0),
        ("U5", "m:C1:20.0", 20.0),
    ]
    docs = select(any_store, "SELECT scope, top FROM search_docs ORDER BY rowid")
    assert docs == [(T, 0), (T, 0)]  # public documents: the workspace is their scope
