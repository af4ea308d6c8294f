"""SafeFetcher: fetch one shared link's page without opening an SSRF hole.

Each hop is parsed, pre-checked, resolved, judged and then connected to exactly the judged
addresses (a pinned aiohttp resolver), so DNS rebinding has no second lookup to exploit.
Redirects are followed by hand so every hop gets the same checks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Literal

import aiohttp

from bot.fetch.parse import PageMeta, parse_page
from bot.fetch.policy import AllowList, IPAddress, normalise_address
from bot.fetch.resolver import LookupFailed, PinnedResolver, Resolver
from bot.fetch.target import BadTarget, Target, parse_target

log = logging.getLogger(__name__)

FetchStatus = Literal["ok", "refused", "failed", "not_html", "too_large", "timeout", "http_error"]
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "Serendip/0.1 (self-hosted Slack bot; fetches a shared link's title once)"
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9",
    # Only codecs whose decompression aiohttp bounds per read; max_bytes counts decoded bytes.
    "Accept-Encoding": "gzip, deflate",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """How a fetch ended; page is set for "ok" and (from the first max_bytes) "too_large"."""

    status: FetchStatus
    http_status: int | None = None
    final_url: str
    error: str | None = None
    page: PageMeta | None = None

    @property
    def ok(self) -> bool:
        """True when the page was fetched in full and parsed."""
        return self.status == "ok"


class _Stop(Exception):
    """Ends a fetch early with the given outcome."""

    def __init__(self, status: FetchStatus, error: str, http_status: int | None = None) -> None:
        super().__init__(error)
        self.status: FetchStatus = status
        self.http_status = http_status


@dataclass(slots=True)
class _Chain:
    """The state of one fetch across its hops: where it is, and seconds left."""

    url: str
    remaining: float


@dataclass(frozen=True, slots=True)
class _Body:
    http_status: int
    data: bytes
    charset: str | None
    truncated: bool


class SafeFetcher:
    """Fetches HTML pages under the address policy; use one instance per event loop."""

    def __init__(
        self,
        policy: AllowList,
        resolver: Resolver,
        *,
        timeout: float = 5.0,
        max_bytes: int = 2_000_000,
        max_redirects: int = 5,
        concurrency: int = 20,
        per_host: int = 2,
    ) -> None:
        if timeout <= 0 or max_bytes < 1 or max_redirects < 0 or concurrency < 1 or per_host < 1:
            raise ValueError("SafeFetcher limits must be positive")
        self.policy = policy
        self.resolver = resolver
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host = per_host
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    async def fetch(self, url: str) -> FetchResult:
        """Fetch and parse url; every outcome is a FetchResult, never an exception."""
        chain = _Chain(url=url, remaining=self.timeout)
        try:
            body = await self._follow(chain)
            page = await asyncio.to_thread(parse_page, body.data, chain.url, body.charset)
        except _Stop as stop:
            return FetchResult(
                status=stop.status,
                http_status=stop.http_status,
                final_url=chain.url,
                error=str(stop),
            )
        except Exception as exc:  # a hostile server must never raise out of fetch
            return self._failure(chain, exc)
        status: FetchStatus = "too_large" if body.truncated else "ok"
        error = f"more than {self.max_bytes} bytes; first part parsed" if body.truncated else None
        return FetchResult(
            status=status, http_status=body.http_status, final_url=chain.url, error=error, page=page
        )

    def _failure(self, chain: _Chain, exc: Exception) -> FetchResult:
        if isinstance(exc, TimeoutError):
            error = f"no complete answer within {self.timeout:g} s"
            return FetchResult(status="timeout", final_url=chain.url, error=error)
        if not isinstance(exc, aiohttp.ClientError | OSError | ValueError):
            log.warning("fetch failed unexpectedly: %s", _one_line(exc))
        return FetchResult(status="failed", final_url=chain.url, error=_one_line(exc))

    async def _follow(self, chain: _Chain) -> _Body:
        target = _target(chain.url)
        for _ in range(self.max_redirects + 1):
            chain.url = str(target.url)
            answer = await self._hop(target, chain)
            if isinstance(answer, _Body):
                return answer
            target = _target(answer, target)
        raise _Stop("failed", f"more than {self.max_redirects} redirects")

    async def _hop(self, target: Target, chain: _Chain) -> _Body | str:
        """One request: a body, or the Location of a redirect."""
        reason = self.policy.precheck(target.host, target.port)
        if reason is not None:
            raise _Stop("refused", reason)
        # Waiting for a slot does not spend the budget: only talking to servers does.
        async with self._host_slot(target.host.rstrip(".")), self._slots:
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                async with asyncio.timeout(max(chain.remaining, 0.0)):
                    addresses = await self._vetted_addresses(target)
                    return await self._request(target, addresses)
            finally:
                chain.remaining -= loop.time() - started

    async def _vetted_addresses(self, target: Target) -> list[str]:
        if target.literal is not None:
            found: Sequence[IPAddress] = [target.literal]
        else:
            found = [_address(text) for text in await self.resolver.resolve(target.host)]
        reason = self.policy.check(target.host, target.port, found)
        if reason is not None:
            raise _Stop("refused", reason)
        return list(dict.fromkeys(str(normalise_address(a)) for a in found))

    async def _request(self, target: Target, addresses: list[str]) -> _Body | str:
        connector = aiohttp.TCPConnector(
            resolver=PinnedResolver(target.host, addresses),
            use_dns_cache=False,
            force_close=True,
            limit=1,
        )
        async with (
            aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,  # HTTP(S)_PROXY would resolve names itself, past the policy
                headers=_HEADERS,
                timeout=aiohttp.ClientTimeout(total=None),
            ) as session,
            session.get(target.url, allow_redirects=False) as response,
        ):
            return await self._read(response)

    async def _read(self, response: aiohttp.ClientResponse) -> _Body | str:
        status = response.status
        if status in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            if location:
                return location
            raise _Stop("http_error", f"HTTP {status} without a Location", status)
        if not 200 <= status < 300:
            raise _Stop("http_error", f"HTTP {status}", status)
        if response.content_type not in HTML_TYPES:
            raise _Stop("not_html", f"content type {response.content_type[:80]}", status)
        data = bytearray()
        # Ask for one byte past the cap, to tell "exactly max_bytes" from "more".
        while len(data) <= self.max_bytes:
            chunk = await response.content.read(self.max_bytes + 1 - len(data))
            if not chunk:
                break
            data += chunk
        truncated = len(data) > self.max_bytes
        return _Body(status, bytes(data[: self.max_bytes]), response.charset, truncated)

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        """At most per_host hops to one host at once; idle hosts are forgotten."""
        semaphore, users = self._hosts.setdefault(host, (asyncio.Semaphore(self.per_host), [0]))
        users[0] += 1
        try:
            async with semaphore:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._hosts[host]


def _target(text: str, base: Target | None = None) -> Target:
    try:
        return parse_target(text, base.url if base is not None else None)
    except BadTarget as exc:
        raise _Stop("refused", str(exc)) from None


def _address(text: str) -> IPAddress:
    try:
        return ip_address(text)
    except ValueError:
        raise _Stop("refused", "the resolver returned something that is not an address") from None


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, LookupFailed):
        return str(exc)[:200]
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".strip().rstrip(":")[:200]
