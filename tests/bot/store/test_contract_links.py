"""Link metadata behaves the same on SQLite and PostgreSQL: the fetch queue, fetched faces,
same-page merges (the older item keeps its id), topics, and link health checks."""

from __future__ import annotations

from bot.models import FetchedPage, ItemDraft, ShareInput
from bot.store import Store
from tests.support.clock import START
from tests.support.sharing import T, execute, link, rows
from tests.support.sharing import share as any_share

LATER = START + 60  # a minute after the store fixture's clock started: after its stamps
DAY = 86400.0


def share(ts: str, text: str = "look", channel: str = "C1", user: str = "U1") -> ShareInput:
    return any_share(channel, ts, user, text)


def page(title: str, final: str, *same: str) -> FetchedPage:
    return FetchedPage("ok", title=title, final_url=final, same_page_urls=same)


async def test_only_untitled_links_are_queued(any_store: Store) -> None:
    now = LATER
    await any_store.save_message(share("1.0"), [link("https://a.com/")], fetch_at=now + 30)
    await any_store.save_message(share("2.0"), [link("https://b.com/", "B")], fetch_at=now + 30)
    await any_store.save_message(share("3.0"), [ItemDraft("learning", "learning:C1:3.0")], now)
    assert await any_store.due_fetches(now) == []
    [(item_id, team, url, attempts)] = await any_store.due_fetches(now + 31)
    assert (team, url, attempts) == (T, "https://a.com/", 0)
    await any_store.postpone_fetch(item_id, now + 100, "timeout")
    assert await any_store.due_fetches(now + 31) == []
    assert [row[3] for row in await any_store.due_fetches(now + 101)] == [1]


async def test_fetches_due_together_go_in_the_order_they_were_queued(any_store: Store) -> None:
    urls = ["https://z.com/", "https://a.com/?q='%_", "https://m.com/ü", "https://b.com/"]
    await any_store.save_message(share("1.0"), [link(u) for u in urls[:3]], fetch_at=5.0)
    await any_store.save_message(share("2.0"), [link(urls[3])], fetch_at=5.0)
    assert [row[2] for row in await any_store.due_fetches(5.0)] == urls
    assert [row[2] for row in await any_store.due_fetches(5.0, limit=2)] == urls[:2]
    assert await any_store.due_fetches(4.9) == []


async def test_the_fetched_face_stays_until_slack_unfurls(any_store: Store) -> None:
    [item] = await any_store.save_message(share("1.0"), [link("https://a.com/")], fetch_at=0)
    found = FetchedPage(
        "ok", title="Fetched", description="About databases and indexes", site_name="A"
    )
    assert await any_store.record_fetch(item, found, LATER) == item
    [record] = await any_store.export_items()
    assert (record["title"], record["site_name"]) == ("Fetched", "A")
    assert await any_store.due_fetches(LATER + 1) == []
    await any_store.save_message(share("1.0"), [link("https://a.com/", "From Slack")])  # unfurl
    [record] = await any_store.export_items()
    assert record["title"] == "From Slack"
    assert record.get("site_name") is None
    assert await any_store.record_fetch("no-such-item", found, LATER) is None


async def test_same_page_urls_merge_into_the_older_item(any_store: Store) -> None:
    [short] = await any_store.save_message(share("1.0"), [link("https://sho.rt/x")], fetch_at=0)
    [full] = await any_store.save_message(share("2.0", user="U2"), [link("https://site.com/post")])
    await any_store.save_message(share("3.0", user="U3"), [link("https://site.com/post")])
    await any_store.set_reaction(T, "C1", "3.0", "U5", "+1", "useful", True)
    kept = await any_store.record_fetch(
        short, page("Post", "https://site.com/post", "https://site.com/post"), LATER
    )
    assert kept == short  # created first, so its id stays
    [record] = await any_store.export_items()
    assert record["id"] == short
    assert [s["ts"] for s in record["shares"]] == ["1.0", "2.0", "3.0"]
    assert record["votes"] == ["U5"]
    [again] = await any_store.save_message(share("4.0", user="U4"), [link("https://site.com/post")])
    assert again == short  # later shares of either URL land on the merged item
    assert full != short


async def test_topics_come_from_hashtags_and_keywords(any_store: Store) -> None:
    text = "great intro #Databases #til <https://a.com/>"
    [item] = await any_store.save_message(share("1.0", text=text), [link("https://a.com/")])
    found = FetchedPage(
        "ok",
        title="Indexing strategies for Postgres",
        description="Partial indexes make Postgres queries fast",
    )
    await any_store.record_fetch(item, found, LATER)
    [record] = await any_store.export_items()
    assert record["topics"][0] == "databases"
    assert "til" not in record["topics"]
    assert "postgres" in record["topics"]
    assert "for" not in record["topics"]


async def test_a_hostile_canonical_cannot_retitle_another_item(any_store: Store) -> None:
    [victim] = await any_store.save_message(
        share("1.0", user="U2"), [link("https://gh.com/famous")]
    )
    await any_store.record_fetch(victim, page("Famous project", "https://gh.com/famous"), 1.0)
    [evil] = await any_store.save_message(share("2.0", user="U9"), [link("https://gh.com/evil")])
    await any_store.record_fetch(
        evil, page("FREE CRYPTO", "https://gh.com/evil", "https://gh.com/famous"), 2.0
    )
    [item] = await any_store.export_items()
    assert item["id"] == victim
    assert item["title"] == "Famous project"
    assert "crypto" not in item["topics"]
    assert item["url"] == "https://gh.com/famous"


async def test_an_older_hostile_item_takes_the_named_identity_not_its_face(
    any_store: Store,
) -> None:
    [evil] = await any_store.save_message(share("1.0", user="U9"), [link("https://gh.com/evil")])
    await any_store.save_message(share("2.0", user="U2"), [link("https://gh.com/famous")])
    await any_store.record_fetch(
        evil, page("FREE CRYPTO", "https://gh.com/evil", "https://gh.com/famous"), 2.0
    )
    [item] = await any_store.export_items()
    assert item["id"] == evil  # the older id, as promised
    assert item["url"] == "https://gh.com/famous"
    assert item["title"] is None
    assert [row[2] for row in await any_store.due_fetches(1e12)] == ["https://gh.com/famous"]
    assert sorted(await rows(any_store, "SELECT key FROM url_aliases")) == [
        ("link:https://gh.com/evil",)
    ]


async def test_public_and_private_items_never_merge(any_store: Store) -> None:
    secret = ShareInput(T, "G1", "1.0", "U1", "doc", True)
    [private] = await any_store.save_message(secret, [link("https://docs.site.com/d?token=SECRET")])
    [public] = await any_store.save_message(
        share("2.0", user="U2"), [link("https://docs.site.com/d")]
    )
    await any_store.record_fetch(
        private,
        page("Q3 layoffs", "https://docs.site.com/d?token=SECRET", "https://docs.site.com/d"),
        3.0,
    )
    items = {i["id"]: i for i in await any_store.export_items()}
    assert set(items) == {private, public}
    assert items[public]["title"] is None
    assert items[public]["private"] is False
    assert items[private]["private"] is True


async def test_two_shorteners_to_one_page_make_one_item(any_store: Store) -> None:
    [a] = await any_store.save_message(share("1.0"), [link("https://sho.rt/a")])
    [b] = await any_store.save_message(share("2.0", user="U2"), [link("https://bit.ly/b")])
    post = page("Post", "https://site.com/post", "https://site.com/post")
    await any_store.record_fetch(a, post, 3)
    await any_store.record_fetch(b, post, 4)
    [item] = await any_store.export_items()
    assert item["id"] == a
    assert len(item["shares"]) == 2
    assert item["title"] == "Post"


async def test_an_unfurl_during_the_delay_cancels_the_fetch(any_store: Store) -> None:
    await any_store.save_message(share("1.0"), [link("https://a.com/")], fetch_at=100.0)
    await any_store.save_message(share("1.0"), [link("https://a.com/", "Unfurled")])
    assert await any_store.due_fetches(1e12) == []


async def test_merges_leave_no_orphans(any_store: Store) -> None:
    await any_store.save_message(share("1.0"), [link("https://site.com/p")])
    [short] = await any_store.save_message(share("2.0", user="U2"), [link("https://sho.rt/p")])
    await any_store.record_check(short, "gone", 10.0)
    await any_store.record_fetch(
        short, page("P title words", "https://site.com/p", "https://site.com/p"), 11.0
    )
    await any_store.remove_message(T, "C1", "1.0")
    await any_store.remove_message(T, "C1", "2.0")
    for table in ("items", "url_aliases", "item_terms", "fetch_queue", "link_checks"):
        assert await rows(any_store, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert await rows(any_store, "SELECT coalesce(sum(df), 0) FROM term_df") == [(0,)]


async def test_links_sent_in_digests_are_checked_and_three_gone_days_kill(
    any_store: Store,
) -> None:
    ids = [
        (await any_store.save_message(share(f"{n}.0"), [link(f"https://{n}.com/")]))[0]
        for n in (1, 2, 3)
    ]
    for item_id in ids:
        await execute(
            any_store,
            "INSERT INTO digest_sent (team_id, recipient, item_id, at)"
            f" VALUES ('T1', 'U9', '{item_id}', 100.0)",
        )
    now = 10 * DAY
    assert await any_store.links_to_check(now, 200.0) == []  # not sent since then
    due = await any_store.links_to_check(now, 50.0)
    assert due == [(i, f"https://{n}.com/") for i, n in zip(ids, (1, 2, 3), strict=True)]
    assert not await any_store.record_check(ids[2], "ok", now - 9 * DAY)
    assert not await any_store.record_check(ids[1], "error", now - 3 * DAY)  # the latest counts
    assert not await any_store.record_check(ids[1], "ok", now - 1)
    assert not await any_store.record_check(ids[0], "error", now - 2 * DAY)
    # never checked first, then the longest unchecked; an ok link waits a week
    assert [i for i, _ in await any_store.links_to_check(now, 50.0)] == [ids[2], ids[0]]
    assert [i for i, _ in await any_store.links_to_check(now, 50.0, limit=1)] == [ids[2]]
    assert not await any_store.record_check(ids[0], "gone", now - 2 * DAY)  # same day again
    assert not await any_store.record_check(ids[0], "gone", now - DAY)
    assert await any_store.record_check(ids[0], "gone", now)  # the third day: dead
    assert ids[0] not in [i for i, _ in await any_store.links_to_check(now + 3 * DAY, 50.0)]
