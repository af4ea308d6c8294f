"""Capture behaves the same on SQLite and PostgreSQL: messages and their items, edits and
deletions, reactions as votes and flags, /til learnings and personal notes, the item's face."""

from __future__ import annotations

from bot.models import ItemDraft, UserInfo
from bot.store import Store
from tests.support.sharing import T, learning, link, rows, share

TS = "1700000000.000100"


async def test_two_shares_one_item_and_votes_exclude_sharers(any_store: Store) -> None:
    [item] = await any_store.save_message(share(), [link()])
    await any_store.save_message(share(ts="1700000001.000100", user="U2"), [link()])
    for voter in ("U3", "U1", "U4"):
        await any_store.set_reaction(T, "C1", TS, voter, "+1", "useful", True)
    await any_store.set_reaction(T, "C1", TS, "U3", "star", "useful", True)
    [record] = await any_store.export_items()
    assert record["id"] == item
    assert [s["user"] for s in record["shares"]] == ["U1", "U2"]
    assert record["votes"] == ["U3", "U4"]  # U1 shared it; U3 counted once for two emoji
    await any_store.set_reaction(T, "C1", TS, "U3", "+1", "useful", False)
    assert (await any_store.export_items())[0]["votes"] == ["U3", "U4"]  # star still there
    await any_store.set_reaction(T, "C1", TS, "U3", "star", "useful", False)
    assert (await any_store.export_items())[0]["votes"] == ["U4"]
    assert await rows(any_store, "SELECT via FROM votes") == [(f"m:C1:{TS}",)]


async def test_a_voter_who_shares_later_loses_the_vote(any_store: Store) -> None:
    await any_store.save_message(share(), [link()])
    await any_store.set_reaction(T, "C1", TS, "U2", "+1", "useful", True)
    await any_store.save_message(share(ts="1700000005.000000", user="U2"), [link()])
    assert (await any_store.export_items())[0]["votes"] == []


async def test_an_edit_replaces_items_and_the_last_share_takes_the_item(any_store: Store) -> None:
    await any_store.save_message(share(), [link(), link("https://b.com/")])
    await any_store.set_reaction(T, "C1", TS, "U2", "+1", "useful", True)
    await any_store.save_message(share(text="<https://b.com/> now"), [link("https://b.com/")])
    records = await any_store.export_items()
    assert [r["url"] for r in records] == ["https://b.com/"]
    assert records[0]["votes"] == ["U2"]
    assert records[0]["text"] == "https://b.com/ now"
    assert [s["text"] for s in await any_store.shares_at(T, "C1", TS)] == ["<https://b.com/> now"]
    assert await any_store.remove_message(T, "C1", TS) == {records[0]["id"]}
    counts = await any_store.counts()
    assert counts["items"] == counts["votes"] == counts["shares"] == counts["reactions"] == 0
    assert await rows(any_store, "SELECT channel, ts, item_key FROM removed_shares") == [
        ("C1", TS, "*")
    ]
    await any_store.remove_message(T, "C1", TS)  # delivered twice: remembered once
    assert len(await rows(any_store, "SELECT * FROM removed_shares")) == 1


async def test_a_reaction_on_an_uncaptured_message_is_not_kept(any_store: Store) -> None:
    assert await any_store.set_reaction(T, "C9", "1.000001", "U2", "+1", "useful", True) == set()
    assert (await any_store.counts())["reactions"] == 0


async def test_a_private_share_makes_a_private_item_until_a_public_share(
    any_store: Store,
) -> None:
    await any_store.save_message(share(channel="G1", private=True, text="secret"), [link()])
    [record] = await any_store.export_items()
    assert record["private"] is True
    assert record["shares"][0]["private"] is True
    await any_store.save_message(share(channel="C2", ts="1700000009.000000", text="open"), [link()])
    [record] = await any_store.export_items()
    assert record["private"] is False
    assert record["text"] == "open"  # the face is the public share's, not the first share's


async def test_flags_are_per_flagger_and_never_by_a_sharer(any_store: Store) -> None:
    await any_store.save_message(share(), [link()])
    for who in ("U2", "U1"):
        await any_store.set_reaction(T, "C1", TS, who, "triangular_flag_on_post", "flag", True)
    assert await any_store.flag_message(T, "C1", TS, "U3")
    assert await any_store.flag_message(T, "C1", TS, "U3")  # twice: still one flag
    assert not await any_store.flag_message(T, "C1", "9.9", "U3")
    assert await any_store.flag_message(T, "C1", TS, "U1")  # U1 shared it: no flag (below)
    assert sorted(await rows(any_store, "SELECT flagger, via FROM flags")) == [
        ("U2", f"m:C1:{TS}"),
        ("U3", "shortcut"),
    ]


async def test_a_til_counts_a_saver_vote_and_a_moved_card_keeps_it(any_store: Store) -> None:
    draft = learning("C1:5.0", "TIL x")
    til = share(ts="5.0", text="TIL x", source="til", saved_by="U2")
    item = await any_store.save_learning(til, draft, "U2")
    assert await any_store.save_learning(til, draft, "U2") == item  # again: no second vote
    [record] = await any_store.export_items()
    assert (record["kind"], record["votes"], record["text"]) == ("learning", ["U2"], "TIL x")
    await any_store.move_message(T, "C1", "5.0", "6.0")
    assert await any_store.shares_at(T, "C1", "5.0") == []
    [moved] = await any_store.shares_at(T, "C1", "6.0")
    assert (moved["item_id"], moved["source"], moved["is_private"]) == (item, "til", 0)
    assert (await any_store.export_items())[0]["created_at"] == "1970-01-01T00:00:06Z"


async def test_a_personal_note_is_shared_by_its_author_only(any_store: Store) -> None:
    note = share(channel="", ts="7.0", text="TIL y", private=True, source="til")
    item = await any_store.save_learning(note, learning("@U1:7.0", "TIL y"), "U1")
    assert not await any_store.share_note(T, "U2", item)  # not theirs
    assert not await any_store.share_note(T, "U1", "no-such-item")
    assert (await any_store.export_items())[0]["private"] is True
    assert await any_store.share_note(T, "U1", item)
    assert (await any_store.export_items())[0]["private"] is False
    assert not await any_store.share_note(T, "U1", item)  # no longer a personal note


async def test_the_face_reads_mentions_unfurls_and_topics(any_store: Store) -> None:
    await any_store.save_user(UserInfo(T, "U7", "zoë"))
    text = "see <@U7> and <@U8> on <https://a.com/x|this> #PostgreSQL #rust"
    unfurled = link(title="Tuning Vacuum", description="Autovacuum settings", site_name="Blog")
    await any_store.save_message(share(text=text), [unfurled])
    [record] = await any_store.export_items()
    assert record["text"] == "see @zoë and @U8 on this #PostgreSQL #rust"
    assert (record["title"], record["description"], record["site_name"]) == (
        "Tuning Vacuum",
        "Autovacuum settings",
        "Blog",
    )
    assert record["topics"][:2] == ["postgresql", "rust"]
    assert await rows(any_store, "SELECT count(*) FROM fetch_queue") == [(0,)]


async def test_hostile_text_keys_and_timestamps_are_kept_as_given(any_store: Store) -> None:
    hostile = '\'; DROP TABLE items; -- 100% _under_ \\ "quoted" ünïcode 🙂'
    odd = ItemDraft("link", "link:https://x.com/%_'", url="https://x.com/%_'", title=hostile)
    await any_store.save_message(share(channel="C'1", ts="garbage", text=hostile), [odd])
    await any_store.save_message(share(ts="", text=""), [link("https://e.com/")])
    await any_store.save_message(share(ts="2.5", user=None, text="%"), [learning("C1:2.5", "%")])
    first, second, third = await any_store.export_items()
    assert (first["url"], first["title"], first["text"]) == ("https://x.com/%_'", hostile, hostile)
    assert first["created_at"] == second["created_at"] == "1970-01-01T00:00:00Z"
    assert first["shares"][0]["channel"] == "C'1"
    assert (second["text"], second["shares"][0]["ts"]) == ("", "")
    assert (third["kind"], third["text"], third["shares"][0]["user"]) == ("learning", "%", None)
    assert await any_store.set_reaction(T, "C'1", "garbage", "U'2", "+1", "useful", True)
    assert (await any_store.export_items())[0]["votes"] == ["U'2"]
    assert await any_store.remove_message(T, "C'1", "garbage")
    assert (await any_store.counts())["items"] == 2


async def test_a_ts_that_is_no_time_sorts_first(any_store: Store) -> None:
    await any_store.save_message(share(ts="5.0"), [link("https://b.com/")])
    await any_store.save_message(share(ts="nan"), [link("https://a.com/")])
    first, second = await any_store.export_items()
    assert (first["url"], first["created_at"]) == ("https://a.com/", "1970-01-01T00:00:00Z")
    assert second["url"] == "https://b.com/"
    assert sorted(await rows(any_store, "SELECT ts, at FROM shares")) == [
        ("5.0", 5.0),
        ("nan", 0.0),
    ]


async def test_items_export_oldest_first_and_count_per_workspace(any_store: Store) -> None:
    await any_store.save_message(share(ts="1700000300.000000"), [link("https://c.com/")])
    await any_store.save_message(share(ts="1700000100.000000"), [link("https://a.com/")])
    await any_store.save_message(share(ts="99.5", team="T2"), [link("https://b.com/")])
    await any_store.save_message(share(ts="1e3", text="x"), [link("https://d.com/")])
    assert [r["url"] for r in await any_store.export_items()] == [
        "https://b.com/",
        "https://d.com/",
        "https://a.com/",
        "https://c.com/",
    ]
    assert [r["url"] for r in await any_store.export_items("T2")] == ["https://b.com/"]
    assert (await any_store.counts("T2"))["items"] == 1
    assert (await any_store.counts())["shares"] == 4
    assert (await any_store.counts("T3")) == dict.fromkeys(await any_store.counts("T3"), 0)


async def test_retention_deletes_items_whose_last_share_is_old(any_store: Store) -> None:
    now = 1_780_315_260.0
    await any_store.save_message(share(ts=f"{now - 40 * 86400:.6f}"), [link()])
    await any_store.save_message(
        share(ts=f"{now - 39 * 86400:.6f}", text="b"), [link("https://b.com/")]
    )
    await any_store.save_message(
        share(ts=f"{now - 1 * 86400:.6f}", text="b2"), [link("https://b.com/")]
    )
    old = f"{now - 40 * 86400:.6f}"
    await any_store.set_reaction(T, "C1", old, "U2", "+1", "useful", True)
    assert await any_store.apply_retention(now, 0) == 0
    assert await any_store.apply_retention(now, 30) == 1
    assert [r["url"] for r in await any_store.export_items()] == ["https://b.com/"]
    assert (await any_store.counts())["reactions"] == 0  # its message shared nothing kept
