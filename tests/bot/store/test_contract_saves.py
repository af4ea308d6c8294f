""" "Save to Serendip" behaves the same on SQLite and PostgreSQL: a message captured already
keeps its item (its own learning first, else the first item it shared), marked saved; a message
never captured becomes a learning; a saver other than the author votes."""

from __future__ import annotations

from bot.models import ShareInput
from bot.store import Store
from tests.support.sharing import T, learning, link, rows, share


def saved(ts: str, saver: str = "U2", user: str = "U1", text: str = "TIL x") -> ShareInput:
    return share(ts=ts, user=user, text=text, source="save", saved_by=saver)


async def test_an_uncaptured_message_becomes_a_learning_the_saver_votes_for(
    any_store: Store,
) -> None:
    draft = learning("C1:5.0", "TIL x")
    item = await any_store.save_learning(saved("5.0"), draft, "U2")
    [record] = await any_store.export_items()
    assert (record["id"], record["kind"], record["votes"]) == (item, "learning", ["U2"])
    assert record["shares"][0]["user"] == "U1"
    assert await rows(any_store, "SELECT source, saved_by FROM shares") == [("save", "U2")]


async def test_a_captured_message_keeps_its_items_and_the_first_saver(any_store: Store) -> None:
    [older] = await any_store.save_message(share(ts="1.0", text="a"), [link("https://a.com/")])
    drafts = [link("https://z.com/"), link("https://a.com/")]  # z's item is the newer one
    [z, a] = await any_store.save_message(share(ts="2.0", text="z a"), drafts)
    assert a == older
    draft = learning("C1:2.0", "z a")
    assert await any_store.save_learning(saved("2.0"), draft, "U2") == z
    assert await any_store.save_learning(saved("2.0", "U3"), draft, "U3") == z
    assert sorted(await rows(any_store, "SELECT ts, saved_by FROM shares")) == [
        ("1.0", None),
        ("2.0", "U2"),
        ("2.0", "U2"),
    ]
    votes = {r["url"]: r["votes"] for r in await any_store.export_items()}
    assert votes == {"https://a.com/": ["U2", "U3"], "https://z.com/": ["U2", "U3"]}
    assert (await any_store.counts())["items"] == 2  # one item per thing: no learning made


async def test_the_message_s_own_learning_comes_first(any_store: Store) -> None:
    drafts = [link("https://a.com/"), learning("C1:3.0", "TIL 'quoted' 100%")]
    [_, own] = await any_store.save_message(share(ts="3.0", text="TIL 'quoted' 100%"), drafts)
    draft = learning("C1:3.0", "other")
    assert await any_store.save_learning(saved("3.0", "U1"), draft, "U1") == own
    assert all(not r["votes"] for r in await any_store.export_items())  # the author: no vote


async def test_a_saver_who_shared_the_item_does_not_vote(any_store: Store) -> None:
    await any_store.save_message(share(ts="1.0", user="U2"), [link()])
    await any_store.save_message(share(ts="2.0"), [link()])
    draft = learning("C1:2.0", "x")
    await any_store.save_learning(saved("2.0", "U2"), draft, "U2")
    [record] = await any_store.export_items()
    assert record["votes"] == []
    assert await any_store.save_learning(  # another workspace's message: its own learning
        share(ts="2.0", source="save", saved_by="U2", team="T2"), draft, "U2"
    ) not in {record["id"]}
    assert (await any_store.counts(T))["items"] == 1
