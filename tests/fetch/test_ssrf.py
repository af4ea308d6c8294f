"""SSRF: refused targets are refused before any connection, proven by the guard and the server."""

from __future__ import annotations

import pytest

from bot.fetch import AllowList, SafeFetcher
from tests.support.fetch import Factory, Guard, PageServer

REFUSED_ANSWERS = [
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "fc00::1",
    "fec0::1",
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
]


@pytest.mark.parametrize("answer", REFUSED_ANSWERS)
async def test_a_name_resolving_inside_is_refused_before_connecting(
    server: PageServer, make_fetcher: Factory, guard: Guard, answer: str
) -> None:
    fetcher, resolver = make_fetcher(allow=(), names={"inside.example": answer})
    result = await fetcher.fetch("http://inside.example/admin")
    assert result.status == "refused"
    assert result.page is None
    assert "not public" in (result.error or "")
    assert resolver.lookups == ["inside.example"]
    assert guard.connects == []
    assert server.requests == []


@pytest.mark.parametrize("answer", REFUSED_ANSWERS)
async def test_one_refused_answer_among_public_ones_refuses(
    make_fetcher: Factory, guard: Guard, answer: str
) -> None:
    fetcher, _ = make_fetcher(allow=(), names={"mixed.example": ["93.184.216.34", answer]})
    assert (await fetcher.fetch("https://mixed.example/")).status == "refused"
    assert guard.connects == []


async def test_a_redirect_to_an_inside_name_is_refused_before_connecting(
    server: PageServer, make_fetcher: Factory, guard: Guard
) -> None:
    names = {"good.example": "127.0.0.1", "evil.example": "10.0.0.1"}
    fetcher, resolver = make_fetcher(allow=("good.example",), names=names)
    for target in ("http://evil.example/latest/meta-data", f"http://evil.example:{server.port}/"):
        result = await fetcher.fetch(server.url(f"/to?url={target}", "good.example"))
        assert result.status == "refused", target
        assert result.final_url == target
    assert resolver.lookups == ["good.example", "evil.example"] * 2
    assert set(guard.connects) == {"127.0.0.1"}
    assert server.paths() == ["/to", "/to"]


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/page",
        "http://[::ffff:127.0.0.1]:{port}/page",
        "http://0x7f000001:{port}/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://user:pass@good.example/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
    ],
)
async def test_a_redirect_out_of_an_allowed_host_is_refused(
    server: PageServer, make_fetcher: Factory, guard: Guard, target: str
) -> None:
    # good.example is allowed by name; the addresses and ports behind it are not.
    fetcher, _ = make_fetcher(allow=("good.example",), names={"good.example": "127.0.0.1"})
    result = await fetcher.fetch(
        server.url(f"/to?url={target.format(port=server.port)}", "good.example")
    )
    assert result.status == "refused"
    assert server.paths() == ["/to"]
    assert len(guard.connects) == 1


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.0.1"])
async def test_literal_spellings_on_a_port_not_allowed(
    server: PageServer, make_fetcher: Factory, guard: Guard, host: str
) -> None:
    fetcher, resolver = make_fetcher(allow=("127.0.0.1:1",))
    result = await fetcher.fetch(server.url("/page", host))
    assert result.status == "refused"
    assert resolver.lookups == []
    assert guard.connects == []
    assert server.requests == []


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "0177.0.0.1"])
async def test_literal_spellings_on_port_80_without_an_entry(
    make_fetcher: Factory, guard: Guard, host: str
) -> None:
    fetcher, resolver = make_fetcher(allow=())
    result = await fetcher.fetch(f"http://{host}/")
    assert result.status == "refused"
    assert "127.0.0.1" in (result.error or "")
    assert resolver.lookups == []
    assert guard.connects == []


async def test_a_mapped_literal_on_a_port_not_allowed(
    server: PageServer, make_fetcher: Factory, guard: Guard
) -> None:
    fetcher, _ = make_fetcher(allow=("127.0.0.1:1",))
    result = await fetcher.fetch(f"http://[::ffff:127.0.0.1]:{server.port}/page")
    assert result.status == "refused"
    assert guard.connects == []
    assert server.requests == []


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]"])
async def test_literal_spellings_are_the_address_they_spell(
    server: PageServer, make_fetcher: Factory, host: str
) -> None:
    # With 127.0.0.1 allowed, every spelling reaches it, reported in its one canonical form.
    fetcher, _ = make_fetcher(allow=("127.0.0.1",))
    result = await fetcher.fetch(server.url("/plain", host))
    assert result.status == "ok"
    assert result.final_url == server.url("/plain")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://user:secret@example.com/",
        "http://user@example.com/",
        "http:///nohost",
        "http://exa mple.com/",
        "http://ex%41mple.com/",
        "http://[fe80::1%25eth0]/",
        "http://1.2.3.4.5/",
        "http://example.com:8080/",
        "http://example.com:0/",
        "//example.com/",
        "",
        "http://" + "a" * 5000 + ".com/",
        "http://example.com/" + "a" * 5000,  # too long: refused whole, never cut short
    ],
)
async def test_malformed_or_forbidden_urls_are_refused(
    make_fetcher: Factory, guard: Guard, url: str
) -> None:
    fetcher, resolver = make_fetcher(allow=(), names={"example.com": "93.184.216.34"})
    result = await fetcher.fetch(url)
    assert result.status == "refused"
    assert resolver.lookups == []
    assert guard.connects == []


async def test_a_resolver_answer_that_is_no_address_is_refused(
    make_fetcher: Factory, guard: Guard
) -> None:
    fetcher, _ = make_fetcher(allow=(), names={"odd.example": "localhost"})
    assert (await fetcher.fetch("http://odd.example/")).status == "refused"
    assert guard.connects == []


async def test_an_ip_entry_lifts_only_its_own_port(
    server: PageServer, make_fetcher: Factory, guard: Guard
) -> None:
    fetcher, _ = make_fetcher(allow=(f"127.0.0.1:{server.port}",), names={"a.example": "127.0.0.1"})
    assert (await fetcher.fetch(server.url("/plain", "a.example"))).status == "ok"
    assert (await fetcher.fetch("http://a.example/")).status == "refused"  # port 80, loopback
    assert (await fetcher.fetch(f"http://a.example:{server.port + 1}/")).status == "refused"
    assert len(server.requests) == 1
    assert guard.connects == ["127.0.0.1"]


class Rebinding:
    """A resolver whose name turns from the allowed address to an inside one after two answers."""

    def __init__(self) -> None:
        self.lookups = 0

    async def resolve(self, host: str) -> list[str]:
        self.lookups += 1
        return ["127.0.0.1"] if self.lookups <= 2 else ["10.0.0.1"]


async def test_dns_rebinding_gets_no_second_lookup(server: PageServer, guard: Guard) -> None:
    resolver = Rebinding()
    fetcher = SafeFetcher(AllowList.parse(["127.0.0.1"]), resolver)
    url = server.url("/plain", "rebind.example")
    assert (await fetcher.fetch(url)).status == "ok"
    # One lookup for one hop: aiohttp connected to the checked address without asking again.
    assert resolver.lookups == 1
    assert guard.lookups == []
    result = await fetcher.fetch(server.url(f"/to?url={url}", "rebind.example"))
    assert result.status == "refused"  # the redirect hop resolved anew, and was judged anew
    assert resolver.lookups == 3
    assert guard.connects == ["127.0.0.1"] * 2
