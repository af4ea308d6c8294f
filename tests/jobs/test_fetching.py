"""The fetch worker: due links fetched, failures retried with backoff, same-page merges."""

from __future__ import annotations

from bot.fetch import FetchResult, PageMeta
from bot.models import ItemDraft, ShareInput
from bot.store import Store
from jobs.fetching import ATTEMPTS, BACKOFF, LinkFetchWorker, same_page_urls


def ok(final: str, title: str = "T", canonical: str | None = None) -> FetchResult:
    page = PageMeta(title=title, description=None, site_name=None, canonical_url=canonical)
    return FetchResult(status="ok", http_status=200, final_url=final, page=page)


async def add_link(store: Store, url: str, ts: str, fetch_at: float = 0.0) -> str:
    share = ShareInput("T1", "C1", ts, "U1", f"<{url}>", False)
    [item] = await store.save_message(share, [ItemDraft("link", f"link:{url}", url=url)], fetch_at)
    return item


def test_same_page_urls() -> None:
    url = "https://sho.rt/a"
    assert same_page_urls(url, ok("https://site.com/post?utm_source=x")) == (
        "https://site.com/post",
    )
    same_site = ok("https://www.site.com/p", canonical="https://blog.site.com/p")
    assert same_page_urls(url, same_site) == ("https://www.site.com/p", "https://blog.site.com/p")
    hostile = ok("https://evil.com/p", canonical="https://victim.com/famous")
    assert same_page_urls(url, hostile) == ("https://evil.com/p",)


async def test_due_links_fetched_and_merged(store: Store) -> None:
    clock = [1000.0]
    old = await add_link(store, "https://site.com/post", "1.0", fetch_at=5000.0)
    short = await add_link(store, "https://sho.rt/a", "2.0", fetch_at=1000.0)

    async def fetch(url: str) -> FetchResult:
        assert url == "https://sho.rt/a"  # the other one is not due yet
        return ok("https://site.com/post", title="The post")

    worker = LinkFetchWorker(store, fetch, clock=lambda: clock[0])
    assert await worker.run_once() == 1
    [item] = await store.export_items()
    assert item["id"] == old != short
    assert item["title"] == "The post"
    assert len(item["shares"]) == 2
    clock[0] = 6000.0
    assert await worker.run_once() == 0  # the kept item's own fetch is no longer needed


async def test_failures_retried_with_backoff_then_marked(store: Store) -> None:
    clock = [0.0]
    await add_link(store, "https://down.example/", "1.0")
    calls: list[float] = []

    async def fetch(url: str) -> FetchResult:
        calls.append(clock[0])
        return FetchResult(status="http_error", http_status=503, final_url=url, error="503")

    worker = LinkFetchWorker(store, fetch, clock=lambda: clock[0])
    for _ in range(ATTEMPTS):
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0  # not due again until the backoff has passed
        clock[0] = calls[-1] + BACKOFF * 4 ** (len(calls) - 1)
    assert calls == [0.0, BACKOFF, BACKOFF + BACKOFF * 4]
    assert await worker.run_once() == 0  # given up: marked, not queued
    assert (await store.due_fetches(1e12)) == []


async def test_refused_is_not_retried(store: Store) -> None:
    await add_link(store, "http://10.0.0.1/", "1.0")

    async def fetch(url: str) -> FetchResult:
        return FetchResult(status="refused", final_url=url, error="private address")

    worker = LinkFetchWorker(store, fetch, clock=lambda: 0.0)
    assert await worker.run_once() == 1
    assert await store.due_fetches(1e12) == []
