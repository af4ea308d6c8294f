"""Which addresses and ports the fetcher may reach, and SERENDIP_FETCH_ALLOW entries that lift that.

Rules (docs/interface.md): only public unicast addresses on ports 80 and 443. An allow entry is
a host name (matched against the URL's host as written), an IP address or CIDR (matched against
the resolved address, IPv4-mapped IPv6 taken as IPv4), each optionally limited to one `:port`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

ALLOWED_PORTS = frozenset({80, 443})

# Written out rather than trusting ipaddress's is_global alone: its tables differ between Python
# patch releases (3.11.7 calls fec0::/10, 192.0.0.0/24 and 64:ff9b::/96 global).
_REFUSED_V4 = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
_REFUSED_V6 = tuple(
    IPv6Network(n)
    for n in (
        "::/8",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_MAPPED = IPv6Network("::ffff:0:0/96")

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")


def normalise_address(address: IPAddress) -> IPAddress:
    """The address to judge: IPv4-mapped IPv6 becomes IPv4 and an IPv6 zone is dropped."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id is not None:
            return IPv6Address(int(address))
    return address


def is_public(address: IPAddress) -> bool:
    """True when the address is public unicast, judging embedded IPv4 in 6to4 and NAT64."""
    address = normalise_address(address)
    if isinstance(address, IPv4Address):
        refused: Sequence[IPNetwork] = _REFUSED_V4
    else:
        embedded = _embedded_v4(address)
        if embedded is not None and not is_public(embedded):
            return False
        refused = _REFUSED_V6
    if any(address in network for network in refused):
        return False
    return address.is_global and not address.is_multicast


def _embedded_v4(address: IPv6Address) -> IPv4Address | None:
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a URL host spells, or None for a name; ValueError for `1.2.3.4.5`-like hosts."""
    # Browsers (the WHATWG URL host parser) and inet_aton read `127.1`, `2130706433`,
    # `0x7f000001` and `0177.0.0.1` as 127.0.0.1, so that is the address to judge. A host that
    # ends in a number but is no address is refused, as browsers refuse it.
    if ":" in host:
        return normalise_address(ip_address(host))
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    last = parts[-1] if parts else ""
    if not ((last.isascii() and last.isdigit()) or _ipv4_number(last) is not None):
        return None
    numbers = [n for n in (_ipv4_number(part) for part in parts) if n is not None]
    if len(parts) > 4 or len(numbers) < len(parts) or any(n > 255 for n in numbers[:-1]):
        raise ValueError("malformed numeric host")
    if numbers[-1] >= 256 ** (5 - len(parts)):
        raise ValueError("malformed numeric host")
    return IPv4Address(numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1])))


def _ipv4_number(part: str) -> int | None:
    text, radix = part.lower(), 10
    if text.startswith("0x"):
        text, radix = text[2:], 16
    elif len(text) > 1 and text.startswith("0"):
        text, radix = text[1:], 8
    if text == "":
        return 0 if radix == 16 else None
    digits = {10: "0123456789", 8: "01234567", 16: "0123456789abcdef"}[radix]
    if not all(c in digits for c in text):
        return None
    return int(text, radix)


def valid_host_name(host: str) -> bool:
    """True for a lower-case DNS name of letters, digits, `-` and `_` (no spaces, no `%`)."""
    name = host[:-1] if host.endswith(".") else host
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """One SERENDIP_FETCH_ALLOW entry: a host name or a network, optionally one port."""

    host: str | None
    network: IPNetwork | None
    port: int | None

    def port_ok(self, port: int) -> bool:
        """True when this entry covers the port."""
        return self.port is None or self.port == port


@dataclass(frozen=True, slots=True)
class AllowList:
    """The parsed SERENDIP_FETCH_ALLOW entries and the address policy they relax."""

    entries: tuple[AllowEntry, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """Parse raw entries (as in Config.fetch_allow); ValueError names a malformed one."""
        return cls(tuple(_parse_entry(entry.strip()) for entry in entries if entry.strip()))

    def precheck(self, host: str, port: int) -> str | None:
        """Why a URL is refused before any lookup (its port can never be allowed), or None."""
        if port in ALLOWED_PORTS or any(e.port_ok(port) for e in self.entries):
            return None
        return f"port {port} is not allowed"

    def check(self, host: str, port: int, addresses: Sequence[IPAddress]) -> str | None:
        """Why connecting to these resolved addresses of host:port is refused, or None."""
        if not addresses:
            return "no addresses"
        if self._host_lifted(host, port):
            return None
        for address in addresses:
            reason = self._address_refusal(normalise_address(address), port)
            if reason is not None:
                return reason
        return None

    def _host_lifted(self, host: str, port: int) -> bool:
        # Host entries name hosts; a URL whose host is an address is judged by its address.
        name = host.lower().rstrip(".")
        return any(e.host == name and e.port_ok(port) for e in self.entries)

    def _address_refusal(self, address: IPAddress, port: int) -> str | None:
        for entry in self.entries:
            if entry.network is not None and address in entry.network and entry.port_ok(port):
                return None
        if not is_public(address):
            return f"address {address} is not public"
        if port not in ALLOWED_PORTS:
            return f"port {port} is not allowed"
        return None


def _parse_entry(entry: str) -> AllowEntry:
    target, port_text = _split_port(entry)
    port = None
    if port_text is not None:
        if not (port_text.isdigit() and 0 < int(port_text) < 65536):
            raise ValueError(f"malformed fetch allow entry: {entry[:60]!r}")
        port = int(port_text)
    try:
        return AllowEntry(host=None, network=_entry_network(target), port=port)
    except ValueError:
        pass
    name = target.lower().rstrip(".")
    try:
        # `127.1` in the allow list means the address it spells, as it does in a URL.
        literal = literal_address(name) if "/" not in name else None
    except ValueError:
        literal = None
        name = ""
    if literal is not None:
        return AllowEntry(host=None, network=ip_network(literal), port=port)
    if "/" in target or not valid_host_name(name):
        raise ValueError(f"malformed fetch allow entry: {entry[:60]!r}")
    return AllowEntry(host=name, network=None, port=port)


def _split_port(entry: str) -> tuple[str, str | None]:
    # Same shapes as bot.config.fetch_allow_entry: host:port, v4[/n]:port, [v6[/n]]:port, bare v6.
    if entry.startswith("["):
        target, _, rest = entry[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(f"malformed fetch allow entry: {entry[:60]!r}")
        return target, (rest[1:] if rest else None)
    if entry.count(":") == 1:
        target, port = entry.split(":")
        return target, port
    return entry, None


def _entry_network(target: str) -> IPNetwork:
    network = ip_network(target, strict=False)
    # A mapped IPv6 entry is the IPv4 range it spells, since resolved addresses are unmapped too.
    if isinstance(network, IPv6Network) and network.subnet_of(_MAPPED) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        assert mapped is not None  # inside ::ffff:0:0/96
        return IPv4Network((mapped, network.prefixlen - 96))
    return network
