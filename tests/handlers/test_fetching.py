"""Link titles: Slack's unfurl first, a safe fetch otherwise, never on the ack path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.models import ItemDraft, ShareInput
from localslack import LocalSlack
from tests.support.bot import Env, bot_config, populate, start_bot


class Pages:
    """A page server on 127.0.0.1 that counts requests and can be made to hang."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.hang = asyncio.Event()
        self.port = 0

    async def page(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        if request.path.startswith("/slow/"):
            await self.hang.wait()
        if request.path.startswith("/r/"):  # a link shortener
            raise web.HTTPFound(f"/p/{request.match_info['name']}?utm_source=short")
        name = request.match_info["name"]
        html = (
            f"<html><head><title>Page {name}</title><meta property='og:site_name'"
            f" content='Pages'></head><body>hello</body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
async def pages() -> AsyncIterator[Pages]:
    server = Pages()
    app = web.Application()
    app.router.add_get("/{kind}/{name}", server.page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    yield server
    server.hang.set()
    await runner.cleanup()


@pytest.fixture
async def fetch_env(tmp_path: Path, pages: Pages) -> AsyncIterator[Env]:
    """The bot with fetching on, allowed to reach only the page server."""
    async with LocalSlack() as slack:
        populate(slack)
        config = bot_config(
            slack,
            tmp_path / "f.db",
            "http",
            SERENDIP_FETCH_LINKS="on",
            SERENDIP_FETCH_DELAY="0",
            SERENDIP_FETCH_ALLOW=f"127.0.0.1:{pages.port}",
        )
        runner, store, port, inbox = await start_bot(slack, config, "http")
        try:
            yield Env(slack, store, config, "http", port, inbox)
        finally:
            await runner.cleanup()


async def until(condition: object) -> None:
    """Wait (10 s at most) until the fetch worker has brought about `condition`."""
    async with asyncio.timeout(10.0):
        # The worker changes the store on other threads: polling is how it is observed.
        while not await condition():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_untitled_link_is_fetched(fetch_env: Env, pages: Pages) -> None:
    await fetch_env.slack.post_message("U1", "C1", f"<{pages.url('/p/one')}>")

    async def titled() -> bool:
        items = await fetch_env.items()
        return bool(items) and items[0]["title"] == "Page one"

    await until(titled)
    [item] = await fetch_env.items()
    assert item["site_name"] == "Pages"
    assert pages.hits == ["/p/one"]


async def test_unfurled_link_is_not_fetched_and_later_unfurl_wins(
    fetch_env: Env, pages: Pages
) -> None:
    url = pages.url("/p/two")
    await fetch_env.slack.post_message(
        "U1", "C1", f"<{url}>", attachments=[{"from_url": url, "title": "Slack says"}]
    )
    fetched = await fetch_env.slack.post_message("U2", "C2", f"<{pages.url('/p/three')}>")

    async def fetched_once() -> bool:
        return pages.hits == ["/p/three"] and any(
            i["title"] == "Page three" for i in await fetch_env.items()
        )

    await until(fetched_once)
    await fetch_env.slack.unfurl(
        "C2",
        fetched["ts"],
        attachments=[{"from_url": pages.url("/p/three"), "title": "Unfurled later"}],
    )
    titles = {i["url"]: i["title"] for i in await fetch_env.items()}
    assert titles[url] == "Slack says"
    assert titles[pages.url("/p/three")] == "Unfurled later"


async def test_events_acknowledged_while_fetches_hang(fetch_env: Env, pages: Pages) -> None:
    slack, store = fetch_env.slack, fetch_env.store
    for i in range(1000):  # a thousand links whose pages never answer
        url = pages.url(f"/slow/{i}")
        share = ShareInput(fetch_env.team, "C1", f"1700000000.{i:06d}", "U1", f"<{url}>", False)
        await store.save_message(share, [ItemDraft("link", f"link:{url}", url=url)], 0.0)

    async def stuck() -> bool:
        return len(pages.hits) >= 2  # at most two at once per host: politeness

    await until(stuck)
    await slack.post_message("U2", "C2", "TIL fetches never block acks")
    assert all(d.acked for d in slack.deliveries)
    learnings = [i for i in await fetch_env.items() if i["kind"] == "learning"]
    assert len(learnings) == 1
    assert len(await store.due_fetches(2e9, 2000)) > 900  # still stuck, still queued


async def test_shortener_merges_into_the_older_item_and_fetches_once(
    fetch_env: Env, pages: Pages
) -> None:
    slack = fetch_env.slack
    await slack.post_message("U1", "C1", f"<{pages.url('/p/target')}>")

    async def fetched(path: str) -> bool:
        await fetch_env.settle()
        return path in pages.hits and not await fetch_env.store.due_fetches(2e9)

    await until(lambda: fetched("/p/target"))
    [first] = await fetch_env.items()
    await slack.post_message("U2", "C2", f"short link <{pages.url('/r/target')}>")
    await until(lambda: fetched("/r/target"))
    [merged] = await fetch_env.items()
    assert merged["id"] == first["id"]
    assert merged["title"] == "Page target"
    assert [s["user"] for s in merged["shares"]] == ["U1", "U2"]
    hits = len(pages.hits)
    await slack.post_message("U3", "C1", f"again <{pages.url('/r/target')}>")
    await fetch_env.settle()
    [again] = await fetch_env.items()
    assert again["id"] == first["id"]
    assert len(again["shares"]) == 3
    assert len(pages.hits) == hits  # known page: nothing fetched again
