"""Link metadata in the store: the fetch queue, fetched faces, same-page merges, topics."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.models import FetchedPage, ItemDraft, ShareInput
from bot.store import Store
from bot.store.migrations import MIGRATIONS, migrate
from tests.support.clock import START
from tests.support.rawdb import raw

LATER = START + 60  # a minute after the store fixture's clock started: after its stamps

T = "T1"


def link(url: str, title: str | None = None) -> ItemDraft:
    return ItemDraft("link", f"link:{url}", url=url, title=title)


def share(ts: str, text: str = "look", channel: str = "C1", user: str = "U1") -> ShareInput:
    return ShareInput(T, channel, ts, user, text, False)


async def test_only_untitled_links_are_queued(store: Store) -> None:
    now = LATER
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
    page = FetchedPage(
        "ok", title="Fetched", description="About databases and indexes", site_name="A"
    )
    assert await store.record_fetch(item, page, LATER) == item
    [record] = await store.export_items()
    assert (record["title"], record["site_name"]) == ("Fetched", "A")
    assert await store.due_fetches(LATER + 1) == []
    await store.save_message(share("1.0"), [link("https://a.com/", "From Slack")])  # unfurl
    [record] = await store.export_items()
    assert record["title"] == "From Slack"
    assert record.get("site_name") is None


async def test_same_page_urls_merge_into_the_older_item(store: Store) -> None:
    [short] = await store.save_message(share("1.0"), [link("https://sho.rt/x")], fetch_at=0)
    [full] = await store.save_message(share("2.0", user="U2"), [link("https://site.com/post")])
    await store.save_message(share("3.0", user="U3"), [link("https://site.com/post")])
    page = FetchedPage(
        "ok",
        title="Post",
        final_url="https://site.com/post",
        same_page_urls=("https://site.com/post",),
    )
    kept = await store.record_fetch(short, page, LATER)
    assert kept == short  # created first, so its id stays
    [record] = await store.export_items()
    assert record["id"] == short
    assert len(record["shares"]) == 3
    [again] = await store.save_message(share("4.0", user="U4"), [link("https://site.com/post")])
    assert again == short  # later shares of either URL land on the merged item
    assert full != short


async def test_topics_from_hashtags_and_keywords(store: Store) -> None:
    text = "great intro #Databases #til <https://a.com/>"
    [item] = await store.save_message(share("1.0", text=text), [link("https://a.com/")])
    page = FetchedPage(
        "ok",
        title="Indexing strategies for Postgres",
        description="Partial indexes make Postgres queries fast",
    )
    await store.record_fetch(item, page, LATER)
    [record] = await store.export_items()
    assert record["topics"][0] == "databases"
    assert "til" not in record["topics"]
    assert "postgres" in record["topics"]
    assert "for" not in record["topics"]


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
        assert record["id"] == "i1"
        assert record["topics"] == []
    finally:
        store.close()


def page(title: str, final: str, *same: str) -> FetchedPage:
    return FetchedPage("ok", title=title, final_url=final, same_page_urls=same)


async def test_hostile_canonical_cannot_retitle_another_item(store: Store) -> None:
    [victim] = await store.save_message(share("1.0", user="U2"), [link("https://gh.com/famous")])
    await store.record_fetch(victim, page("Famous project", "https://gh.com/famous"), 1.0)
    [evil] = await store.save_message(share("2.0", user="U9"), [link("https://gh.com/evil")])
    await store.record_fetch(
        evil, page("FREE CRYPTO", "https://gh.com/evil", "https://gh.com/famous"), 2.0
    )
    [item] = await store.export_items()
    assert item["id"] == victim
    assert item["title"] == "Famous project"
    assert "crypto" not in item["topics"]
    assert item["url"] == "https://gh.com/famous"


async def test_older_hostile_item_takes_the_named_identity_not_its_face(store: Store) -> None:
    [evil] = await store.save_message(share("1.0", user="U9"), [link("https://gh.com/evil")])
    await store.save_message(share("2.0", user="U2"), [link("https://gh.com/famous")])
    await store.record_fetch(
        evil, page("FREE CRYPTO", "https://gh.com/evil", "https://gh.com/famous"), 2.0
    )
    [item] = await store.export_items()
    assert item["id"] == evil  # the older id, as promised
    assert item["url"] == "https://gh.com/famous"
    assert item["title"] is None
    assert [row[2] for row in await store.due_fetches(1e12)] == ["https://gh.com/famous"]


async def test_public_and_private_items_never_merge(store: Store) -> None:
    secret = ShareInput(T, "G1", "1.0", "U1", "doc", True)
    [private] = await store.save_message(secret, [link("https://docs.site.com/d?token=SECRET")])
    [public] = await store.save_message(share("2.0", user="U2"), [link("https://docs.site.com/d")])
    await store.record_fetch(
        private,
        page("Q3 layoffs", "https://docs.site.com/d?token=SECRET", "https://docs.site.com/d"),
        3.0,
    )
    items = {i["id"]: i for i in await store.export_items()}
    assert set(items) == {private, public}
    assert items[public]["title"] is None
    assert items[public]["private"] is False
    assert await store.search(T, "layoffs") == [] or items[private]["private"] is True


async def test_two_shorteners_to_one_page_make_one_item(store: Store) -> None:
    [a] = await store.save_message(share("1.0"), [link("https://sho.rt/a")])
    [b] = await store.save_message(share("2.0", user="U2"), [link("https://bit.ly/b")])
    await store.record_fetch(a, page("Post", "https://site.com/post", "https://site.com/post"), 3)
    await store.record_fetch(b, page("Post", "https://site.com/post", "https://site.com/post"), 4)
    [item] = await store.export_items()
    assert item["id"] == a
    assert len(item["shares"]) == 2
    assert item["title"] == "Post"


async def test_unfurl_during_the_delay_cancels_the_fetch(store: Store) -> None:
    await store.save_message(share("1.0"), [link("https://a.com/")], fetch_at=100.0)
    await store.save_message(share("1.0"), [link("https://a.com/", "Unfurled")])
    assert await store.due_fetches(1e12) == []


async def test_merges_leave_no_orphans(store: Store) -> None:
    await store.save_message(share("1.0"), [link("https://site.com/p")])
    [short] = await store.save_message(share("2.0", user="U2"), [link("https://sho.rt/p")])
    await store.record_check(short, "gone", 10.0)
    await store.record_fetch(
        short, page("P title words", "https://site.com/p", "https://site.com/p"), 11.0
    )
    await store.remove_message(T, "C1", "1.0")
    await store.remove_message(T, "C1", "2.0")
    rows = raw(
        store,
        lambda db: {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("items", "url_aliases", "item_terms", "fetch_queue", "link_checks")
        },
    )
    assert set(rows.values()) == {0}, rows
    df = raw(store, lambda db: db.execute("SELECT coalesce(sum(df), 0) FROM term_df").fetchone()[0])
    assert df == 0
