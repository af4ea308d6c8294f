"""Name lookups for the fetcher, and the aiohttp resolver that pins a connection to checked IPs."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping, Sequence
from typing import Protocol

from aiohttp.abc import AbstractResolver, ResolveResult


class LookupFailed(OSError):
    """A name could not be resolved (no such name, no answer, or the resolver failed)."""


class Resolver(Protocol):
    """Resolves a host name to its IP addresses as strings; raises LookupFailed."""

    async def resolve(self, host: str) -> list[str]:
        """All addresses the name resolves to."""
        ...


class SystemResolver:
    """The operating system's resolver, through the event loop's getaddrinfo."""

    async def resolve(self, host: str) -> list[str]:
        """All addresses the name resolves to, each once, in the order given."""
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__  # e.g. "Name or service…"
            raise LookupFailed(f"name lookup failed: {why}") from None
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise LookupFailed("name lookup failed: no addresses")
        return list(dict.fromkeys(addresses))


class FakeResolver:
    """A resolver for tests: a fixed name-to-addresses table; unknown names fail, never leak."""

    def __init__(self, mapping: Mapping[str, str | Sequence[str]]) -> None:
        self._table = {
            name.lower().rstrip("."): [value] if isinstance(value, str) else list(value)
            for name, value in mapping.items()
        }
        self.lookups: list[str] = []

    async def resolve(self, host: str) -> list[str]:
        """The table's addresses for host; LookupFailed when it has none."""
        self.lookups.append(host)
        addresses = self._table.get(host.lower().rstrip("."))
        if not addresses:
            raise LookupFailed("name lookup failed: no such name")
        return list(addresses)


class PinnedResolver(AbstractResolver):
    """An aiohttp resolver that knows only one host and its already checked addresses."""

    # aiohttp asks it at connect time, so the connection goes to an address the policy judged,
    # with the Host header and TLS SNI still the name: no second lookup, no DNS rebinding.

    def __init__(self, host: str, addresses: Sequence[str]) -> None:
        self._host = host.lower()
        self._addresses = list(addresses)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The pinned addresses for the pinned host; anything else is refused."""
        if host.lower() != self._host:
            raise OSError(f"no pinned address for {host[:100]!r}")
        return [_result(host, address, port) for address in self._addresses]

    async def close(self) -> None:
        """Nothing to release."""


def _result(host: str, address: str, port: int) -> ResolveResult:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return ResolveResult(
        hostname=host,
        host=address,
        port=port,
        family=family,
        proto=0,
        flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
    )
