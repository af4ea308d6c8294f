"""The admins' review in the store: flagged items with counts, restoring and removing."""

from __future__ import annotations

from bot.models import ItemDraft, ShareInput
from bot.store import Store

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


async def test_flagged_items_are_counted_most_flagged_first(store: Store) -> None:
    [once] = await post(store, "1.0", ["https://once.example/"])
    [thrice] = await post(store, "2.0", ["https://thrice.example/"])
    await post(store, "3.0", ["https://clean.example/"])
    await flag(store, "1.0", "U2")
    await flag(store, "2.0", "U2", "U3")
    await store.flag_message(T, "C1", "2.0", "U4")  # the private shortcut counts too
    await store.flag_message(T, "C1", "2.0", "U2")  # the same person twice counts once
    found, total = await store.flagged_items(T)
    assert total == 2
    assert [(f.item_id, f.flaggers, f.hidden) for f in found] == [
        (thrice, 3, True),
        (once, 1, False),
    ]
    assert found[0].title == "Title of https://thrice.example/"
    assert await store.flagged_items("T2") == ([], 0)  # another workspace sees none of it
    limited, total = await store.flagged_items(T, limit=1)
    assert [f.item_id for f in limited] == [thrice]
    assert total == 2


async def test_a_private_items_channel_is_named_for_the_membership_check(store: Store) -> None:
    [secret] = await post(store, "1.0", ["https://secret.example/"], channel="G1", private=True)
    [both] = await post(store, "2.0", ["https://both.example/"], channel="G1", private=True)
    await post(store, "3.0", ["https://both.example/"], channel="C1")
    await flag(store, "1.0", "U2", channel="G1")
    await flag(store, "2.0", "U2", channel="G1")
    found = {f.item_id: f for f in (await store.flagged_items(T))[0]}
    assert found[secret].private_channel == "G1"
    assert found[both].private_channel is None  # its face is public


async def test_restore_clears_flags_and_their_reactions_for_good(store: Store) -> None:
    [item] = await post(store, "1.0", ["https://bad.example/"])
    await flag(store, "1.0", "U2", "U3")
    await store.flag_message(T, "C1", "1.0", "U4")
    assert await store.search(T, "bad") == []
    assert await store.restore_item(T, item) == 3
    assert await flaggers(store, item) == set()
    assert [h.item_id for h in await store.search(T, "bad")] == [item]
    await store.set_reaction(T, "C1", "1.0", "U5", "+1", "useful", True)  # re-derives marks
    assert await flaggers(store, item) == set()
    assert (await store.export_items())[0]["votes"] == ["U5"]
    assert await store.restore_item(T, item) == 0  # nothing left to restore


async def test_restore_clears_the_shared_messages_flags_for_every_item_they_share(
    store: Store,
) -> None:
    both = await post(store, "1.0", ["https://a.example/", "https://b.example/"])
    await flag(store, "1.0", "U2")
    await store.flag_message(T, "C1", "1.0", "U3")
    await store.restore_item(T, both[0])
    # The reaction flagged the message, so both items lose it; the private flag was the other's.
    assert await flaggers(store, both[1]) == {"U3"}
    assert await flaggers(store, both[0]) == set()


async def test_remove_deletes_the_item_and_only_its_own_messages_reactions(store: Store) -> None:
    [alone] = await post(store, "1.0", ["https://bad.example/"])
    pair = await post(store, "2.0", ["https://bad.example/", "https://ok.example/"])
    assert pair[0] == alone
    await flag(store, "1.0", "U2")
    await store.set_reaction(T, "C1", "1.0", "U3", "+1", "useful", True)
    await store.set_reaction(T, "C1", "2.0", "U3", "+1", "useful", True)
    assert await store.remove_item(T, alone)
    [left] = await store.export_items()
    assert left["url"] == "https://ok.example/"
    assert left["votes"] == ["U3"]
    counts = await store.counts()
    assert counts["reactions"] == 1
    assert counts["flags"] == 0
    assert not await store.remove_item(T, alone)


async def test_unknown_and_other_workspaces_items_are_left_alone(store: Store) -> None:
    [theirs] = await post(store, "1.0", ["https://theirs.example/"], team="T2")
    await flag(store, "1.0", "U2", team="T2")
    for odd in (theirs, "", "nope", "'; DROP TABLE items; --", "x" * 5000):
        assert await store.restore_item(T, odd) is None
        assert not await store.remove_item(T, odd)
    assert (await store.counts())["flags"] == 1
    assert len(await store.export_items()) == 1
