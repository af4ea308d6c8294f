"""Hostile pages served for real: each gives a bounded FetchResult, never an exception."""

from __future__ import annotations

import asyncio

import pytest

from bot.fetch.parse import TITLE_CAP
from tests.support.fetch import Factory, PageServer


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/nested", "ok", "deep"),
        ("/huge-title", "ok", ("spam " * 60).strip()[: TITLE_CAP - 1] + "…"),
        ("/bad-encoding", "ok", "café \ufffd\ufffd\ufffd("),
        ("/bogus-charset", "ok", "caf\ufffd"),
        ("/latin1", "ok", "café"),
        ("/endless", "too_large", "endless"),
        ("/gzip", "too_large", "bomb"),
    ],
)
async def test_hostile_pages_give_bounded_results(
    server: PageServer, make_fetcher: Factory, path: str, status: str, title: str
) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url(path))
    assert result.status == status
    assert result.page is not None
    assert result.page.title == title


async def test_a_hostile_page_does_not_disturb_the_others(
    server: PageServer, make_fetcher: Factory
) -> None:
    fetcher, _ = make_fetcher(per_host=4)
    paths = ["/nested", "/endless", "/huge-title", "/page", "/bad-encoding", "/plain"]
    results = await asyncio.gather(*(fetcher.fetch(server.url(p)) for p in paths))
    by_path = dict(zip(paths, results, strict=True))
    assert by_path["/page"].page is not None
    assert by_path["/page"].page.title == "OG title"
    assert by_path["/plain"].page is not None
    assert by_path["/plain"].page.title == "Only a title"
