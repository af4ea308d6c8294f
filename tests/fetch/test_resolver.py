"""Resolvers: the fake one for tests, the system one on localhost, and the pinned aiohttp one."""

from __future__ import annotations

import socket

import pytest

from bot.fetch import FakeResolver, LookupFailed, SystemResolver
from bot.fetch.resolver import PinnedResolver
from tests.support.fetch import Guard


async def test_fake_resolver_answers_from_its_table_only() -> None:
    resolver = FakeResolver({"One.Example": "10.0.0.1", "two.example": ["1.1.1.1", "::1"]})
    assert await resolver.resolve("one.example.") == ["10.0.0.1"]
    assert await resolver.resolve("TWO.example") == ["1.1.1.1", "::1"]
    with pytest.raises(LookupFailed, match="name lookup failed"):
        await resolver.resolve("three.example")
    assert resolver.lookups == ["one.example.", "TWO.example", "three.example"]


async def test_system_resolver_on_loopback_names(guard: Guard) -> None:
    resolver = SystemResolver()
    assert await resolver.resolve("127.0.0.1") == ["127.0.0.1"]
    assert "127.0.0.1" in await resolver.resolve("localhost") or "::1" in await resolver.resolve(
        "localhost"
    )


async def test_system_resolver_failure_is_a_lookup_failure(guard: Guard) -> None:
    # The guard refuses the lookup as a resolver would refuse an unknown name, without DNS.
    with pytest.raises(LookupFailed, match=r"^name lookup failed: "):
        await SystemResolver().resolve("nowhere.invalid")
    assert guard.lookups == ["nowhere.invalid"]


async def test_pinned_resolver_knows_only_its_host() -> None:
    resolver = PinnedResolver("news.example", ["127.0.0.1", "::1"])
    answers = await resolver.resolve("news.example", 8080)
    assert [(a["host"], a["port"], a["family"]) for a in answers] == [
        ("127.0.0.1", 8080, socket.AF_INET),
        ("::1", 8080, socket.AF_INET6),
    ]
    with pytest.raises(OSError, match=r"^no pinned address for 'other\.example'$"):
        await resolver.resolve("other.example")
    await resolver.close()
