"""The store's Home queries: a person's items, the week's top items, deletion and counts."""

from __future__ import annotations

import pytest

from bot.models import ItemDraft, ShareInput
from bot.store import Store
from tests.support.clock import START

T = "T1"
NOW = START  # the store fixture's clock starts here


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test on SQLite and PostgreSQL; there, once the areas it seeds through are ported."""
    return any_store


def share(
    channel: str, ts: float, user: str, text: str, private: bool = False, **kw: object
) -> ShareInput:
    return ShareInput(T, channel, f"{ts:.6f}", user, text, private, **kw)  # type: ignore[arg-type]


def link(url: str) -> ItemDraft:
    return ItemDraft("link", f"link:{url}", url=url)


def learning(key: str, text: str) -> ItemDraft:
    return ItemDraft("learning", f"learning:{key}", text=text)


async def react(store: Store, channel: str, ts: float, user: str, kind: str = "useful") -> None:
    emoji = {"useful": "+1", "flag": "triangular_flag_on_post", "save": "bookmark"}[kind]
    await store.set_reaction(T, channel, f"{ts:.6f}", user, emoji, kind, True)  # type: ignore[arg-type]


async def test_my_items_are_shared_or_saved_newest_first(store: Store) -> None:
    [old] = await store.save_message(share("C1", NOW - 300, "U1", "a"), [link("https://a.io/")])
    [new] = await store.save_message(share("C1", NOW - 100, "U1", "b"), [link("https://b.io/")])
    await store.save_message(share("C1", NOW - 50, "U2", "c"), [link("https://c.io/")])
    saved = await store.save_learning(
        share("C1", NOW - 200, "U2", "TIL x", source="save", saved_by="U1"),
        learning("x", "x"),
        "U1",
    )
    mine = await store.my_items(T, "U1")
    assert [m.item.item_id for m in mine] == [saved, new, old]  # the save happened just now
    assert [m.shared for m in mine] == [False, True, True]
    assert not any(m.deletable for m in mine)  # links, and a learning credited to U2
    assert [m.item.item_id for m in await store.my_items(T, "U1", limit=1)] == [saved]


async def test_a_private_items_votes_carry_their_channel(store: Store) -> None:
    [item] = await store.save_message(share("G1", NOW, "U1", "x", True), [link("https://p.io/")])
    await react(store, "G1", NOW, "U2")
    [mine] = await store.my_items(T, "U1")
    assert mine.private
    assert mine.channel == "G1"
    assert mine.voters == (("U2", "G1"),)
    await store.save_message(share("C1", NOW + 1, "U3", "y"), [link("https://p.io/")])
    [mine] = await store.my_items(T, "U1")
    assert not mine.private
    assert mine.item.item_id == item


async def test_top_items_count_public_votes_of_public_items_and_skip_flagged(store: Store) -> None:
    [a] = await store.save_message(share("C1", NOW, "U1", "a"), [link("https://a.io/")])
    [b] = await store.save_message(share("C1", NOW + 1, "U1", "b"), [link("https://b.io/")])
    await store.save_message(share("G1", NOW + 2, "U1", "p", True), [link("https://p.io/")])
    for voter in ("U2", "U3"):
        await react(store, "C1", NOW, voter)
    await react(store, "C1", NOW + 1, "U2")
    for voter in ("U2", "U3", "U4"):
        await react(store, "G1", NOW + 2, voter)  # private votes on a private item
    top = await store.top_items(T, NOW - 7 * 86400)
    assert [(i.item_id, i.votes) for i in top] == [(a, 2), (b, 1)]
    await store.save_message(share("C1", NOW + 3, "U5", "p"), [link("https://p.io/")])
    top = await store.top_items(T, NOW - 7 * 86400)  # public now, but its votes stay private
    assert [(i.item_id, i.votes) for i in top] == [(a, 2), (b, 1)]
    assert await store.top_items(T, NOW + 3600) == []  # votes older than `since`
    for flagger in ("U5", "U6", "U7"):
        await react(store, "C1", NOW, flagger, "flag")
    assert [i.item_id for i in await store.top_items(T, NOW - 7 * 86400)] == [b]


async def test_delete_learning_removes_only_the_authors_shares(store: Store) -> None:
    drafts = [learning("z", "z"), link("https://z.io/")]  # a learning with a link, as captured
    item, link_item = await store.save_message(share("C1", NOW, "U1", "TIL z"), drafts)
    await store.save_message(share("C2", NOW + 5, "U3", "z too"), [link("https://z.io/")])
    await react(store, "C1", NOW, "U2")
    assert not await store.delete_learning(T, "U2", item)  # not U2's
    assert not await store.delete_learning(T, "U1", link_item)  # not a learning
    assert await store.delete_learning(T, "U1", item)
    items = {i["id"]: i for i in await store.export_items()}
    assert item not in items  # the learning, and U1's words with its link, are gone
    assert [s["user"] for s in items[link_item]["shares"]] == ["U3"]  # U3's share of it stays
    assert not await store.delete_learning(T, "U1", item)  # gone already


async def test_delete_learning_keeps_an_item_others_shared(store: Store) -> None:
    draft = learning("same", "same")
    item = await store.save_learning(share("C1", NOW, "U1", "TIL same"), draft, None)
    await store.save_learning(share("C2", NOW + 1, "U2", "TIL same"), draft, None)
    assert await store.delete_learning(T, "U1", item)
    [kept] = await store.export_items()
    assert kept["id"] == item
    assert [s["user"] for s in kept["shares"]] == ["U2"]


async def test_person_counts(store: Store) -> None:
    await store.save_message(share("C1", NOW, "U1", "a"), [link("https://a.io/")])
    await store.save_message(share("C1", NOW + 1, "U2", "b"), [link("https://b.io/")])
    await react(store, "C1", NOW + 1, "U1")
    await react(store, "C1", NOW + 1, "U1", "flag")
    await store.create_question(T, "U1", True, "why?", "C1")
    counts = await store.person_counts(T, "U1")
    assert (counts.shares, counts.saves, counts.votes, counts.flags, counts.questions) == (
        1,
        0,
        1,
        1,
        1,
    )
    await store.forget_person(T, "U1")
    assert await store.person_counts(T, "U1") == type(counts)(0, 0, 0, 0, 0, 0, 0)


async def test_deleting_a_learning_drops_the_reactions_on_its_message(store: Store) -> None:
    [item] = await store.save_message(share("C1", NOW, "U1", "TIL q"), [learning("q", "q")])
    await react(store, "C1", NOW, "U2")
    assert (await store.counts(T))["reactions"] == 1
    assert await store.delete_learning(T, "U1", item)
    counts = await store.counts(T)
    assert (counts["items"], counts["votes"], counts["reactions"]) == (0, 0, 0)
