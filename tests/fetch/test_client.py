"""SafeFetcher against a real aiohttp server on 127.0.0.1, reached through allow entries."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.fetch import PageMeta, same_site
from tests.support.fetch import Factory, Guard, PageServer

NEWS = "news.example.com"


async def test_titles_and_og_fields(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/page"))
    assert result.status == "ok"
    assert result.ok
    assert result.http_status == 200
    assert result.error is None
    assert result.final_url == server.url("/page")
    assert result.page == PageMeta(
        title="OG title",
        description="About the page",
        site_name="Example News",
        canonical_url=server.url("/canonical/page?x=1"),
        og={
            "og:title": "OG title",
            "og:description": "About the page",
            "og:site_name": "Example News",
            "og:image": "/img.png",
        },
    )


async def test_title_and_description_without_og(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/plain"))
    assert result.page is not None
    assert (result.page.title, result.page.description) == ("Only a title", "Described")
    assert result.page.site_name is None
    assert result.page.og == {}


async def test_a_host_entry_with_a_fake_name(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, resolver = make_fetcher(allow=(NEWS,), names={NEWS: "127.0.0.1"})
    result = await fetcher.fetch(server.url("/echo", NEWS))
    assert result.status == "ok"
    assert resolver.lookups == [NEWS]
    # Connected to the pinned address, yet the server saw the name.
    assert server.requests[0].headers["Host"] == f"{NEWS}:{server.port}"


async def test_a_host_entry_limited_to_another_port(
    server: PageServer, make_fetcher: Factory, guard: Guard
) -> None:
    fetcher, _ = make_fetcher(allow=(f"{NEWS}:1",), names={NEWS: "127.0.0.1"})
    result = await fetcher.fetch(server.url("/page", NEWS))
    assert result.status == "refused"
    assert server.requests == []
    assert guard.connects == []


async def test_an_ip_entry_covers_a_mapped_answer(
    server: PageServer, make_fetcher: Factory
) -> None:
    fetcher, _ = make_fetcher(allow=("127.0.0.0/8",), names={NEWS: "::ffff:127.0.0.1"})
    result = await fetcher.fetch(server.url("/page", NEWS))
    assert result.status == "ok"


async def test_redirects_are_followed_up_to_five(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/chain/4"))  # five redirects, then the page
    assert result.status == "ok"
    assert result.final_url == server.url("/page")
    assert len(server.requests) == 6


async def test_a_sixth_redirect_is_not_followed(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/chain/5"))
    assert result.status == "failed"
    assert "redirects" in (result.error or "")
    assert len(server.requests) == 6  # the sixth redirect's target was never requested


async def test_max_redirects_is_configurable(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher(max_redirects=0)
    assert (await fetcher.fetch(server.url("/chain/0"))).status == "failed"
    assert len(server.requests) == 1


async def test_shortener_reports_the_final_url_and_its_canonical(
    server: PageServer, make_fetcher: Factory
) -> None:
    names = {"sho.rt": "127.0.0.1", NEWS: "127.0.0.1"}
    fetcher, _ = make_fetcher(names=names)
    target = server.url("/page", NEWS)
    result = await fetcher.fetch(server.url(f"/to?url={target}", "sho.rt"))
    assert result.status == "ok"
    assert result.final_url == target
    assert result.page is not None
    # The relative canonical is resolved against the final URL, not the short one.
    assert result.page.canonical_url == server.url("/canonical/page?x=1", NEWS)
    assert same_site(result.final_url, result.page.canonical_url)
    assert not same_site(server.url("/x", "sho.rt"), result.page.canonical_url)


async def test_a_fragment_is_dropped_from_the_final_url(
    server: PageServer, make_fetcher: Factory
) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/plain#section"))
    assert result.final_url == server.url("/plain")


async def test_non_html_is_refused(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/json"))
    assert result.status == "not_html"
    assert result.page is None
    assert result.http_status == 200
    assert "application/json" in (result.error or "")


async def test_http_errors_keep_their_status(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/missing"))
    assert (result.status, result.http_status, result.page) == ("http_error", 404, None)


async def test_an_endless_body_stops_at_two_megabytes(
    server: PageServer, make_fetcher: Factory
) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/endless"))
    assert result.status == "too_large"
    assert result.http_status == 200
    assert result.page is not None
    assert result.page.title == "endless"
    for _ in range(100):  # the server notices the closed connection on its next writes
        if not server.streaming:
            break
        await asyncio.sleep(0.02)
    # 2 MB read plus what loopback socket buffers held: far from the server's own 20 MB bound.
    assert not server.streaming
    assert server.streamed < 10_000_000


async def test_a_small_size_cap(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher(max_bytes=100)
    assert (await fetcher.fetch(server.url("/endless"))).status == "too_large"
    exact, _ = make_fetcher(max_bytes=len(b"<title>Plain title</title>") + 400)
    assert (await exact.fetch(server.url("/page"))).status == "ok"


async def test_a_gzip_bomb_is_capped_after_decompression(
    server: PageServer, make_fetcher: Factory
) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch(server.url("/gzip"))
    assert result.status == "too_large"
    assert result.page is not None
    assert result.page.title == "bomb"


@pytest.mark.parametrize("path", ["/slow", "/trickle"])
async def test_a_slow_server_times_out(
    server: PageServer, make_fetcher: Factory, path: str
) -> None:
    fetcher, _ = make_fetcher(timeout=0.5)
    started = time.monotonic()
    result = await fetcher.fetch(server.url(path))
    assert result.status == "timeout"
    assert result.page is None
    assert time.monotonic() - started < 3.0  # generous: the outcome is what matters


async def test_the_time_budget_covers_the_whole_chain(
    server: PageServer, make_fetcher: Factory
) -> None:
    # Each hop alone fits in the budget; together they do not.
    fetcher, _ = make_fetcher(timeout=0.5)
    result = await fetcher.fetch(server.url("/slow?s=0.3&next=/slow%3Fs%3D0.3%26next%3D/page"))
    assert result.status == "timeout"
    assert server.paths() == ["/slow", "/slow"]
    generous, _ = make_fetcher(timeout=2.0)
    result = await generous.fetch(server.url("/slow?s=0.3&next=/slow%3Fs%3D0.3%26next%3D/page"))
    assert result.status == "ok"


async def test_no_cookies_are_sent_back(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    first = await fetcher.fetch(server.url("/set-cookie"))
    second = await fetcher.fetch(server.url("/echo"))
    assert first.status == second.status == "ok"
    for request in server.requests:
        assert "Cookie" not in request.headers


async def test_polite_headers_and_no_credentials(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    await fetcher.fetch(server.url("/echo"))
    headers = server.requests[0].headers
    assert headers["User-Agent"].startswith("Serendip/")
    for name in ("Authorization", "Cookie", "Referer", "Proxy-Authorization"):
        assert name not in headers


async def test_proxies_from_the_environment_are_ignored(
    server: PageServer, make_fetcher: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    fetcher, _ = make_fetcher()
    assert (await fetcher.fetch(server.url("/page"))).status == "ok"


async def test_at_most_per_host_at_once(server: PageServer, make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher(per_host=2, concurrency=20)
    results = await asyncio.gather(*(fetcher.fetch(server.url("/hold")) for _ in range(8)))
    assert {r.status for r in results} == {"ok"}
    assert server.peak == 2


async def test_bounded_concurrency_across_hosts(server: PageServer, make_fetcher: Factory) -> None:
    names: dict[str, str | list[str]] = {f"site{i}.example": "127.0.0.1" for i in range(9)}
    fetcher, _ = make_fetcher(names=names, per_host=2, concurrency=3)
    urls = [server.url("/hold", name) for name in names]
    results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert {r.status for r in results} == {"ok"}
    assert server.peak == 3


async def test_queueing_does_not_spend_the_time_budget(
    server: PageServer, make_fetcher: Factory
) -> None:
    # Six 0.15 s pages one at a time take 0.9 s, past the 0.5 s budget of each fetch.
    fetcher, _ = make_fetcher(per_host=1, timeout=0.5)
    results = await asyncio.gather(*(fetcher.fetch(server.url("/hold")) for _ in range(6)))
    assert {r.status for r in results} == {"ok"}
    assert server.peak == 1


async def test_a_failed_lookup_is_a_failure(make_fetcher: Factory, guard: Guard) -> None:
    fetcher, _ = make_fetcher(allow=("nowhere.example",))
    result = await fetcher.fetch("http://nowhere.example/")
    assert result.status == "failed"
    assert (result.error or "").startswith("name lookup failed")
    assert guard.connects == []


async def test_a_closed_port_is_a_failure(make_fetcher: Factory) -> None:
    fetcher, _ = make_fetcher()
    result = await fetcher.fetch("http://127.0.0.1:9/")  # discard port: nothing listens
    assert result.status == "failed"
    assert result.error
    assert "\n" not in result.error
