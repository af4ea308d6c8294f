"""Making two items one is the same on SQLite and PostgreSQL (m12's SQL, run here through the
store's writer): `www.` spellings of one page become the oldest item, a learning that shared
links becomes the learning alone, and everything hanging off a merged item follows it."""

from __future__ import annotations

from bot.capture_rules import learning_draft
from bot.models import ItemDraft
from bot.store import Store
from bot.store.sql import merging
from bot.urls import link_key
from tests.support.sharing import T, execute, rows, share

NOW = 1_780_315_200.0


def old_link(url: str) -> ItemDraft:
    """A link item as the code before one item per thing kept it: its URL exactly as spelled."""
    return ItemDraft(kind="link", key=f"link:{url}", url=url)


async def mark(store: Store, table: str, item_id: str, who: str, via: str) -> None:
    await execute(store, f"INSERT INTO {table} VALUES ('T1', '{item_id}', '{who}', '{via}', 0, 1)")


async def test_www_spellings_and_a_learning_s_links_become_one_item(any_store: Store) -> None:
    www, bare = "https://www.tube.example/v?id=1", "https://tube.example/v?id=1"
    first, second = share(ts="1700000000.000100", text="talk"), share(ts="1700000001.0", user="U2")
    [www_id] = await any_store.save_message(first, [old_link(www)])
    [bare_id] = await any_store.save_message(second, [old_link(bare)])
    await any_store.set_reaction(T, "C1", second.ts, "U3", "+1", "useful", True)
    await mark(any_store, "votes", bare_id, "U4", "digest")
    await mark(any_store, "flags", bare_id, "U5", "shortcut")
    await execute(any_store, f"INSERT INTO digest_sent VALUES ('T1', 'U6', '{bare_id}', 1)")
    await execute(
        any_store,
        f"INSERT INTO url_aliases VALUES ('T1', 'link:https://www.tube.example/old', '{bare_id}')",
    )
    await execute(
        any_store,
        "INSERT INTO removed_shares VALUES ('T1', 'C1', '9.0', 'link:https://www.gone.example/')",
    )
    til = share(ts="1700000002.000100", text="TIL walrus tusks grow <https://tusks.example/>")
    learning = learning_draft("C1", til.ts, til.text, "https://tusks.example/")
    [til_id, link_id] = await any_store.save_message(
        til, [learning, old_link("https://tusks.example/")]
    )
    await mark(any_store, "votes", link_id, "U4", "digest")
    await mark(any_store, "flags", link_id, "U5", "shortcut")
    await any_store.set_reaction(T, "C1", til.ts, "U2", "+1", "useful", True)

    await any_store._write(merging.one_item_per_host, NOW)
    await any_store._write(merging.one_story_per_learning, NOW)

    records = {r["id"]: r for r in await any_store.export_items(T)}
    assert sorted(records) == sorted([www_id, til_id])  # the older of each pair survives
    talk = records[www_id]
    assert talk["url"] == www  # the first spelling seen
    assert [s["user"] for s in talk["shares"]] == ["U1", "U2"]
    assert sorted(talk["votes"]) == ["U3", "U4"]
    story = records[til_id]
    assert (story["kind"], story["url"]) == ("learning", "https://tusks.example/")
    assert sorted(story["votes"]) == ["U2", "U4"]  # both items' votes
    assert sorted(await rows(any_store, "SELECT item_id, flagger FROM flags")) == sorted(
        [(www_id, "U5"), (til_id, "U5")]
    )
    assert await rows(any_store, "SELECT recipient, item_id FROM digest_sent") == [("U6", www_id)]
    assert await rows(any_store, f"SELECT key FROM items WHERE id = '{www_id}'") == [
        ("link:https://tube.example/v?id=1",)
    ]
    assert await rows(any_store, "SELECT key, item_id FROM url_aliases") == [
        ("link:https://tube.example/old", www_id)
    ]
    assert await rows(any_store, "SELECT item_key FROM removed_shares") == [
        ("link:https://gone.example/",)
    ]
    again = ItemDraft(kind="link", key=link_key(bare), url=bare)
    assert await any_store.save_message(share(ts="1700000003.0", user="U3"), [again]) == [www_id]


async def test_one_item_per_host_follows_url_aliases(any_store: Store) -> None:
    bare = share(ts="1700000000.000100", text="the page")
    short = share(ts="1700000001.000100", user="U2", text="a short link to it")
    [page] = await any_store.save_message(bare, [old_link("https://a.example/")])
    [link] = await any_store.save_message(short, [old_link("https://go.example/1")])
    # The short link was fetched: it redirects to the page's www. spelling.
    await execute(
        any_store, f"INSERT INTO url_aliases VALUES ('T1', 'link:https://www.a.example/', '{link}')"
    )
    await any_store._write(merging.one_item_per_host, NOW)
    [item] = await any_store.export_items(T)
    assert (item["id"], item["url"]) == (page, "https://a.example/")
    assert [s["user"] for s in item["shares"]] == ["U1", "U2"]
    again = share(ts="1700000002.000100", user="U3", text="the short link again")
    drafts = [ItemDraft(kind="link", key=link_key("https://go.example/1"), url="x")]
    assert await any_store.save_message(again, drafts) == [page]  # its old name still leads


async def test_a_respelt_alias_or_removal_already_there_is_kept_once(any_store: Store) -> None:
    [item] = await any_store.save_message(share(ts="1.0"), [old_link("https://b.example/")])
    for key in (
        "link:https://www.b.example/''%_",
        "link:https://b.example/''%_",
    ):  # '' is one quote
        await execute(any_store, f"INSERT INTO url_aliases VALUES ('T1', '{key}', '{item}')")
        await execute(any_store, f"INSERT INTO removed_shares VALUES ('T1', 'C1', '2.0', '{key}')")
    await any_store._write(merging.one_item_per_host, NOW)
    assert await rows(any_store, "SELECT key FROM url_aliases") == [("link:https://b.example/'%_",)]
    assert await rows(any_store, "SELECT item_key FROM removed_shares") == [
        ("link:https://b.example/'%_",)
    ]
    assert await rows(any_store, "SELECT key FROM items") == [("link:https://b.example/",)]


async def test_merge_into_moves_everything_once(any_store: Store) -> None:
    [keep] = await any_store.save_message(share(ts="1.0"), [old_link("https://k.example/")])
    [drop] = await any_store.save_message(
        share(ts="2.0", user="U2"), [old_link("https://d.example/")]
    )
    for item in (keep, drop):
        await mark(any_store, "votes", item, "U4", "digest")  # the same vote on both: kept once
    await execute(any_store, f"INSERT INTO digest_clicks VALUES ('T1', 'U4', '{drop}', 'x', 1)")
    await any_store._write(merging.merge_into, T, keep, drop, NOW)
    [record] = await any_store.export_items()
    assert (record["id"], record["votes"]) == (keep, ["U4"])
    assert [s["ts"] for s in record["shares"]] == ["1.0", "2.0"]
    assert await rows(any_store, "SELECT item_id FROM digest_clicks") == [(keep,)]
