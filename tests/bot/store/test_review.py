"""The admins' review in the store, on SQLite and PostgreSQL: flagged items with counts,
restoring and removing."""

from __future__ import annotations

from bot.models import ItemDraft, ShareInput
from bot.store import Store
from tests.support.raw_rows import insert

T = "T1"
FLAG = "triangular_flag_on_post"


def link(url: str) -> ItemDraft:
    return ItemDraft("link", f"link:{url}", url=url, title=f"Title of {url}")


async def post(
    store: Store,
    ts: str,
    urls: list[str],
    channel: str = "C1",
    team: str = T,
    private: bool = False,
) -> list[str]:
    """One message by U1 sharing `urls`; the items' ids."""
    share = ShareInput(team, channel, ts, "U1", " ".join(urls), private)
    return await store.save_message(share, [link(u) for u in urls])


async def flag(store: Store, ts: str, *who: str, channel: str = "C1", team: str = T) -> None:
    for person in who:
        await store.set_reaction(team, channel, ts, person, FLAG, "flag", True)


async def flaggers(store: Store, item_id: str) -> set[str]:
    return {f["flagger"] for f in await store.flags(T) if f["item_id"] == item_id}


async def test_flagged_items_are_counted_most_flagged_first(any_store: Store) -> None:
    [once] = await post(any_store, "1.0", ["https://once.example/"])
    [thrice] = await post(any_store, "2.0", ["https://thrice.example/"])
    await post(any_store, "3.0", ["https://clean.example/"])
    await flag(any_store, "1.0", "U2")
    await flag(any_store, "2.0", "U2", "U3")
    await any_store.flag_message(T, "C1", "2.0", "U4")  # the private shortcut counts too
    await any_store.flag_message(T, "C1", "2.0", "U2")  # the same person twice counts once
    found, total = await any_store.flagged_items(T)
    assert total == 2
    assert [(f.item_id, f.flaggers, f.hidden) for f in found] == [
        (thrice, 3, True),
        (once, 1, False),
    ]
    assert found[0].title == "Title of https://thrice.example/"
    assert await any_store.flagged_items("T2") == ([], 0)  # another workspace sees none of it
    limited, total = await any_store.flagged_items(T, limit=1)
    assert [f.item_id for f in limited] == [thrice]
    assert total == 2


async def test_a_private_items_channel_is_named_for_the_membership_check(any_store: Store) -> None:
    [secret] = await post(any_store, "1.0", ["https://secret.example/"], channel="G1", private=True)
    [both] = await post(any_store, "2.0", ["https://both.example/"], channel="G1", private=True)
    await post(any_store, "3.0", ["https://both.example/"], channel="C1")
    await flag(any_store, "1.0", "U2", channel="G1")
    await flag(any_store, "2.0", "U2", channel="G1")
    found = {f.item_id: f for f in (await any_store.flagged_items(T))[0]}
    assert found[secret].private_channel == "G1"
    assert found[both].private_channel is None  # its face is public


async def test_restore_clears_flags_and_their_reactions_for_good(any_store: Store) -> None:
    [item] = await post(any_store, "1.0", ["https://bad.example/"])
    await flag(any_store, "1.0", "U2", "U3")
    await any_store.flag_message(T, "C1", "1.0", "U4")
    assert await any_store.search(T, "bad") == []
    assert await any_store.restore_item(T, item) == 3
    assert await flaggers(any_store, item) == set()
    assert [h.item_id for h in await any_store.search(T, "bad")] == [item]
    await any_store.set_reaction(T, "C1", "1.0", "U5", "+1", "useful", True)  # re-derives marks
    assert await flaggers(any_store, item) == set()
    assert (await any_store.export_items())[0]["votes"] == ["U5"]
    assert await any_store.restore_item(T, item) == 0  # nothing left to restore


async def test_restore_clears_the_shared_messages_flags_for_every_item_they_share(
    any_store: Store,
) -> None:
    both = await post(any_store, "1.0", ["https://a.example/", "https://b.example/"])
    await flag(any_store, "1.0", "U2")
    await any_store.flag_message(T, "C1", "1.0", "U3")
    await any_store.restore_item(T, both[0])
    # The reaction flagged the message, so both items lose it; the private flag was the other's.
    assert await flaggers(any_store, both[1]) == {"U3"}
    assert await flaggers(any_store, both[0]) == set()


async def test_remove_deletes_the_item_and_only_its_own_messages_reactions(
    any_store: Store,
) -> None:
    [alone] = await post(any_store, "1.0", ["https://bad.example/"])
    pair = await post(any_store, "2.0", ["https://bad.example/", "https://ok.example/"])
    assert pair[0] == alone
    await flag(any_store, "1.0", "U2")
    await any_store.set_reaction(T, "C1", "1.0", "U3", "+1", "useful", True)
    await any_store.set_reaction(T, "C1", "2.0", "U3", "+1", "useful", True)
    assert await any_store.remove_item(T, alone)
    [left] = await any_store.export_items()
    assert left["url"] == "https://ok.example/"
    assert left["votes"] == ["U3"]
    counts = await any_store.counts()
    assert counts["reactions"] == 1
    assert counts["flags"] == 0
    assert not await any_store.remove_item(T, alone)


async def test_unknown_and_other_workspaces_items_are_left_alone(any_store: Store) -> None:
    [theirs] = await post(any_store, "1.0", ["https://theirs.example/"], team="T2")
    await flag(any_store, "1.0", "U2", team="T2")
    for odd in (theirs, "", "nope", "'; DROP TABLE items; --", "x" * 5000):
        assert await any_store.restore_item(T, odd) is None
        assert not await any_store.remove_item(T, odd)
    assert (await any_store.counts())["flags"] == 1
    assert len(await any_store.export_items()) == 1


async def item(store: Store, item_id: str, team: str = T, title: str | None = None) -> None:
    """An item as capture leaves it, put there raw (the review's own twins need no capture)."""
    await insert(
        store,
        "items",
        id=item_id,
        team_id=team,
        key=f"link:{item_id}",
        kind="link",
        url=f"https://{item_id}.example/",
        title=title,
        created_ts="1.0",
    )


async def share(store: Store, item_id: str, channel: str, ts: str, at: float) -> None:
    private = int(channel.startswith("G"))
    await insert(
        store,
        "shares",
        team_id=T,
        item_id=item_id,
        channel=channel,
        ts=ts,
        at=at,
        user="U1",
        text="x",
        is_private=private,
        source="message",
    )


async def raw_flag(
    store: Store, item_id: str, who: str, via: str, at: float, team: str = T
) -> None:
    await insert(
        store, "flags", team_id=team, item_id=item_id, flagger=who, via=via, is_private=0, at=at
    )


async def test_flags_are_counted_ranked_and_listed_from_raw_rows(any_store: Store) -> None:
    hostile = 'it\'s 100% _bad_; -- "quoted" ünï 🦭'
    await item(any_store, "i2", title=hostile)
    await item(any_store, "i1")
    await item(any_store, "i3")
    await item(any_store, "theirs", team="T2")
    await share(any_store, "i1", "G2", "5.0", 5.0)  # private only: its first share's channel
    await share(any_store, "i1", "G1", "3.0", 3.0)
    await share(any_store, "i2", "G1", "1.0", 1.0)  # a public share too: no private channel
    await share(any_store, "i2", "C1", "2.0", 2.0)
    await raw_flag(any_store, "i1", "U2", "m:G1:3.0", 10.0)
    await raw_flag(any_store, "i1", "U3", "shortcut", 11.0)
    await raw_flag(any_store, "i1", "U2", "shortcut", 12.0)  # the same person counts once
    await raw_flag(any_store, "i2", "U5", "shortcut", 12.0)
    await raw_flag(any_store, "i2", "U4", "shortcut", 12.0)
    await raw_flag(any_store, "i3", "U4", "shortcut", 13.0)  # fewer flaggers, flagged later
    await raw_flag(any_store, "theirs", "U9", "shortcut", 14.0, team=T)  # a forged pairing
    found, total = await any_store.flagged_items(T)
    assert total == 3
    # Two flaggers each and the same latest flag: the id decides.
    assert [(f.item_id, f.flaggers, f.private_channel) for f in found] == [
        ("i1", 2, "G1"),
        ("i2", 2, None),
        ("i3", 1, None),
    ]
    assert found[1].title == hostile
    limited, total = await any_store.flagged_items(T, limit=1)
    assert ([f.item_id for f in limited], total) == (["i1"], 3)
    assert await any_store.flagged_items("T2") == ([], 0)
    assert [(f["item_id"], f["flagger"], f["via"]) for f in await any_store.flags(T)] == [
        ("i1", "U2", "m:G1:3.0"),
        ("i1", "U3", "shortcut"),
        ("i1", "U2", "shortcut"),
        ("i2", "U4", "shortcut"),
        ("i2", "U5", "shortcut"),
        ("i3", "U4", "shortcut"),
        ("theirs", "U9", "shortcut"),
    ]
    assert await any_store.flags("T2") == []
    for odd in ("theirs", "", "nope", "'; DROP TABLE items; --", "%", "x" * 5000):
        assert await any_store.restore_item(T, odd) is None
        assert not await any_store.remove_item(T, odd)
    assert len(await any_store.flags(T)) == 7
