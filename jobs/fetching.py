"""Fetching titles of links Slack did not unfurl: in the background, never on the ack path.

Capture queues an untitled link to be fetched SERENDIP_FETCH_DELAY seconds later, so Slack's
own unfurl usually arrives first and nothing is fetched at all. This worker takes due links,
fetches them through the safe fetcher (bot/fetch) with bounded concurrency, and stores what it
found; failures that may pass are retried with backoff a few times, then marked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.fetch import FetchResult, same_site
from bot.later import cancel_and_wait
from bot.models import FetchedPage
from bot.store import Store
from bot.urls import canonical_url

log = logging.getLogger(__name__)
Fetch = Callable[[str], Awaitable[FetchResult]]
ATTEMPTS = 3
BACKOFF = 60.0  # seconds before the first retry; each later retry waits four times longer
RETRYABLE = ("failed", "timeout", "http_error")


def same_page_urls(url: str, result: FetchResult) -> tuple[str, ...]:
    """Canonical forms of other URLs that name the same page: the URL after redirects, and
    the page's own canonical link when it stays on the same registrable domain (a canonical
    elsewhere is ignored, so a hostile page cannot take over another site's item)."""
    found: list[str] = []
    final = canonical_url(result.final_url) if result.final_url else None
    if final and final != url:
        found.append(final)
    page = result.page
    if page is not None and page.canonical_url:
        canonical = canonical_url(page.canonical_url)
        if canonical and canonical not in (url, final) and same_site(final or url, canonical):
            found.append(canonical)
    return tuple(found)


def to_page(url: str, result: FetchResult) -> FetchedPage:
    """The store's view of a fetch result."""
    page = result.page
    if result.status not in ("ok", "too_large") or page is None:
        return FetchedPage(result.status, error=result.error)  # a long page's head still counts
    final = canonical_url(result.final_url) if result.final_url else None
    return FetchedPage(
        "ok",
        title=page.title,
        description=page.description,
        site_name=page.site_name,
        final_url=final,
        same_page_urls=same_page_urls(url, result),
    )


def retryable(result: FetchResult) -> bool:
    """Failures that may pass: timeouts, connection trouble, 429 and 5xx answers."""
    if result.status == "http_error":
        return result.http_status is not None and (
            result.http_status == 429 or result.http_status >= 500
        )
    return result.status in RETRYABLE


class LinkFetchWorker:
    """Polls the fetch queue and fetches what is due, until stopped."""

    def __init__(
        self,
        store: Store,
        fetch: Fetch,
        clock: Callable[[], float] = time.time,
        poll: float = 1.0,
        batch: int = 50,
        concurrency: int = 4,
    ) -> None:
        self.store = store
        self.fetch = fetch
        self.clock = clock
        self.poll = poll
        self.batch = batch
        # Few at once: fetching is background work and must not crowd acknowledgements out.
        self._slots = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start polling in the background."""
        self._task = asyncio.create_task(self._loop(), name="link-fetcher")

    async def stop(self) -> None:
        """Stop; fetches not done stay queued for the next start."""
        await cancel_and_wait(self._task)
        self._task = None

    async def run_once(self) -> int:
        """Fetch every due link (up to a batch); returns how many were tried."""
        due = await self.store.due_fetches(self.clock(), self.batch)
        await asyncio.gather(*(self._one(*row) for row in due))
        return len(due)

    async def _loop(self) -> None:
        while True:
            try:
                if await self.run_once() == 0:
                    await asyncio.sleep(self.poll)
            except Exception:  # a bad page or a store hiccup must not stop fetching for good
                log.exception("link fetching failed; trying again shortly")
                await asyncio.sleep(self.poll)

    async def _one(self, item_id: str, team_id: str, url: str, attempts: int) -> None:
        del team_id  # the item knows its workspace
        async with self._slots:
            result = await self.fetch(url)
        if retryable(result) and attempts + 1 < ATTEMPTS:
            retry_at = self.clock() + BACKOFF * 4**attempts
            await self.store.postpone_fetch(item_id, retry_at, result.error)
            return
        await self.store.record_fetch(item_id, to_page(url, result), self.clock())
