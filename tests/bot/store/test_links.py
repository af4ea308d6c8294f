"""Link metadata in the store: the fetch queue, fetched faces, same-page merges, topics."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlite_utils import Database

from bot.models import FetchedPage, ItemDraft, ShareInput
from bot.store import Store
from bot.store.migrations import MIGRATIONS, migrate

T = "T1"


def link(url: str, title: str | None = None) -> ItemDraft:
    return ItemDraft("link", f"link:{url}", url=url, title=title)


def share(ts: str, text: str = "look", channel: str = "C1", user: str = "U1") -> ShareInput:
    return ShareInput(T, channel, ts, user, text, False)


async def test_only_untitled_links_are_queued(store: Store) -> None:
    now = time.time()
    await store.save_message(share("1.0"), [link("https://a.com/")], fetch_at=now + 30)
    await store.save_message(share("2.0"), [link("https://b.com/", "B")], fetch_at=now + 30)
    await store.save_message(share("3.0"), [ItemDraft("learning", "learning:C1:3.0")], now)
    assert await store.due_fetches(now) == []
    [(item_id, team, url, attempts)] = await store.due_fetches(now + 31)
    assert (team, url, attempts) == (T, "https://a.com/", 0)
    await store.postpone_fetch(item_id, now + 100, "timeout")
    assert await store.due_fetches(now + 31) == []
    assert [row[3] for row in await store.due_fetches(now + 101)] == [1]


async def test_fetched_face_until_slack_unfurls(store: Store) -> None:
    [item] = await store.save_message(share("1.0"), [link("https://a.com/")], fetch_at=0)
    page = FetchedPage("ok", title="Fetched", description="About databases and indexes",
                       site_name="A")  # fmt: skip
    assert await store.record_fetch(item, page, time.time()) == item
    [record] = await store.export_items()
    assert (record["title"], record["site_name"]) == ("Fetched", "A")
    assert await store.due_fetches(time.time() + 1) == []
    await store.save_message(share("1.0"), [link("https://a.com/", "From Slack")])  # unfurl
    [record] = await store.export_items()
    assert record["title"] == "From Slack" and record["site_name"] == "A"


async def test_same_page_urls_merge_into_the_older_item(store: Store) -> None:
    [short] = await store.save_message(share("1.0"), [link("https://sho.rt/x")], fetch_at=0)
    [full] = await store.save_message(share("2.0", user="U2"), [link("https://site.com/post")])
    await store.save_message(share("3.0", user="U3"), [link("https://site.com/post")])
    page = FetchedPage("ok", title="Post", final_url="https://site.com/post",
                       same_page_urls=("https://site.com/post",))  # fmt: skip
    kept = await store.record_fetch(short, page, time.time())
    assert kept == short  # created first, so its id stays
    [record] = await store.export_items()
    assert record["id"] == short and len(record["shares"]) == 3
    [again] = await store.save_message(share("4.0", user="U4"), [link("https://site.com/post")])
    assert again == short  # later shares of either URL land on the merged item
    assert full != short


async def test_topics_from_hashtags_and_keywords(store: Store) -> None:
    text = "great intro #Databases #til <https://a.com/>"
    [item] = await store.save_message(share("1.0", text=text), [link("https://a.com/")])
    page = FetchedPage("ok", title="Indexing strategies for Postgres",
                       description="Partial indexes make Postgres queries fast")  # fmt: skip
    await store.record_fetch(item, page, time.time())
    [record] = await store.export_items()
    assert record["topics"][0] == "databases" and "til" not in record["topics"]
    assert "postgres" in record["topics"] and "for" not in record["topics"]


async def test_migration_from_version_1_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, url, created_ts)"
        " VALUES ('i1', 'T1', 'link:https://a.com/', 'link', 'https://a.com/', '1.0')"
    )
    db.conn.commit()
    assert migrate(db) == len(MIGRATIONS)
    db.close()
    store = Store(path).open()
    try:
        [record] = await store.export_items()
        assert record["id"] == "i1" and record["topics"] == []
    finally:
        store.close()
