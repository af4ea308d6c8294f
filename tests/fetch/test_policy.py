"""The address policy and SERENDIP_FETCH_ALLOW entries, with property checks on spellings."""

from __future__ import annotations

import contextlib
from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_address, ip_network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import fetch_allow_entry
from bot.fetch import AllowList
from bot.fetch.policy import is_public, literal_address

INSIDE_V4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
]
INSIDE_V6 = ["::/128", "::1/128", "fe80::/10", "fec0::/10", "fc00::/7", "ff00::/8", "2001:db8::/32"]
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"]


def addr(text: str) -> IPv4Address | IPv6Address:
    return ip_address(text)


@pytest.mark.parametrize("network", INSIDE_V4 + INSIDE_V6)
def test_inside_networks_are_not_public(network: str) -> None:
    net = ip_network(network)
    for address in (net.network_address, net.broadcast_address, net[net.num_addresses // 2]):
        assert not is_public(address), address


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses(text: str) -> None:
    assert is_public(addr(text))
    assert AllowList().check("example.com", 443, [addr(text)]) is None
    assert AllowList().check("example.com", 80, [addr(text)]) is None


@pytest.mark.parametrize("port", [0, 22, 8080, 8443, 6379, 65535])
def test_other_ports_are_refused(port: int) -> None:
    assert AllowList().precheck("example.com", port) is not None
    assert AllowList().check("example.com", port, [addr("93.184.216.34")]) is not None


def test_any_refused_answer_refuses() -> None:
    answers = [addr("93.184.216.34"), addr("10.0.0.1")]
    assert AllowList().check("example.com", 443, answers) == "address 10.0.0.1 is not public"
    assert AllowList().check("example.com", 443, []) == "no addresses"


@given(st.integers(0, 2**32 - 1))
def test_a_mapped_address_is_judged_as_its_ipv4(value: int) -> None:
    v4 = IPv4Address(value)
    mapped = IPv6Address(f"::ffff:{v4}")
    assert is_public(mapped) == is_public(v4)


@given(st.integers(0, 2**32 - 1))
def test_6to4_and_nat64_around_a_refused_ipv4_are_refused(value: int) -> None:
    v4 = IPv4Address(value)
    if not is_public(v4):
        assert not is_public(IPv6Address((0x2002 << 112) | (value << 80)))
        assert not is_public(IPv6Address(int(IPv6Address("64:ff9b::")) | value))


def _spellings(value: int) -> list[str]:
    a, b, c, d = IPv4Address(value).packed
    return [
        str(IPv4Address(value)),
        str(value),
        hex(value),
        f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
        f"0x{a:x}.{b}.0{c:o}.{d}",
        f"{IPv4Address(value)}.",
    ]


@given(st.integers(0, 2**32 - 1))
def test_every_ipv4_spelling_is_the_same_address(value: int) -> None:
    for spelling in _spellings(value):
        assert literal_address(spelling) == IPv4Address(value), spelling


@given(st.sampled_from([IPv4Network(n) for n in INSIDE_V4]), st.data())
def test_every_spelling_of_an_inside_address_is_refused(
    network: IPv4Network, data: st.DataObject
) -> None:
    value = data.draw(st.integers(int(network.network_address), int(network.broadcast_address)))
    for spelling in _spellings(value):
        literal = literal_address(spelling)
        assert literal is not None
        assert AllowList().check(spelling, 80, [literal]) is not None


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.256", "0x1g.0.0.1", "a.09"])
def test_malformed_numeric_hosts(host: str) -> None:
    with pytest.raises(ValueError, match=r"^malformed numeric host$"):
        literal_address(host)


@pytest.mark.parametrize("host", ["example.com", "a1.example", "1a.example", "0xfoo.example"])
def test_names_are_not_literals(host: str) -> None:
    assert literal_address(host) is None


def test_mapped_ipv6_literals_become_ipv4() -> None:
    assert literal_address("::ffff:7f00:1") == IPv4Address("127.0.0.1")
    assert literal_address("::1") == IPv6Address("::1")


def test_host_entries_match_the_host_as_written() -> None:
    allow = AllowList.parse(["Intranet.Example.", "wiki.local:8080"])
    inside = [addr("10.1.2.3")]
    assert allow.check("intranet.example", 8443, inside) is None
    assert allow.check("intranet.example.", 80, inside) is None
    assert allow.check("sub.intranet.example", 80, inside) is not None
    assert allow.check("wiki.local", 8080, inside) is None
    assert allow.check("wiki.local", 80, inside) is not None
    assert allow.precheck("anything.example", 8443) is None  # a host entry may still match


def test_a_host_entry_never_matches_an_address_host() -> None:
    allow = AllowList.parse(["127.1"])  # means the address 127.0.0.1, as in a URL
    assert allow.entries[0].network == ip_network("127.0.0.1/32")
    assert allow.check("127.0.0.1", 80, [addr("127.0.0.1")]) is None


def test_network_entries_match_the_resolved_address() -> None:
    allow = AllowList.parse(["10.0.0.0/8", "[fd00::/8]:8443", "192.168.1.5:8080"])
    assert allow.check("a.example", 1234, [addr("10.9.9.9")]) is None
    assert allow.check("a.example", 80, [addr("::ffff:10.9.9.9")]) is None
    assert allow.check("a.example", 8443, [addr("fd00::5")]) is None
    assert allow.check("a.example", 443, [addr("fd00::5")]) is not None
    assert allow.check("a.example", 8080, [addr("192.168.1.5")]) is None
    assert allow.check("a.example", 8080, [addr("192.168.1.6")]) is not None
    # A covered address does not carry an uncovered one in the same answer.
    assert allow.check("a.example", 80, [addr("10.0.0.1"), addr("172.16.0.1")]) is not None


def test_an_address_entry_still_needs_an_allowed_port_for_other_addresses() -> None:
    allow = AllowList.parse(["10.0.0.0/8"])
    assert allow.check("a.example", 8080, [addr("93.184.216.34")]) is not None


def test_a_mapped_entry_is_its_ipv4_range() -> None:
    allow = AllowList.parse(["::ffff:10.0.0.0/104"])
    assert allow.entries[0].network == ip_network("10.0.0.0/8")
    assert allow.check("a.example", 80, [addr("10.1.1.1")]) is None


VALID_ENTRIES = [
    "intranet.example",
    "intranet.example:8080",
    "127.0.0.1",
    "127.0.0.1:8080",
    "10.0.0.0/8",
    "10.0.0.0/8:8080",
    "::1",
    "[::1]:8080",
    "fd00::/8",
    "[fd00::/8]:443",
    "localhost",
]
INVALID_ENTRIES = ["exa mple.com", "host:0", "host:99999", "host:x", "[::1]x", "a/b", "1.2.3.4.5"]


@pytest.mark.parametrize("entry", VALID_ENTRIES)
def test_entries_config_accepts_parse(entry: str) -> None:
    assert fetch_allow_entry(entry)
    assert len(AllowList.parse([entry]).entries) == 1


@pytest.mark.parametrize("entry", INVALID_ENTRIES)
def test_malformed_entries_raise(entry: str) -> None:
    with pytest.raises(ValueError, match=r"^malformed fetch allow entry: "):
        AllowList.parse([entry])


@given(st.text(max_size=40))
def test_parse_never_fails_otherwise(entry: str) -> None:
    with contextlib.suppress(ValueError):  # anything but ValueError fails the test
        AllowList.parse([entry])
