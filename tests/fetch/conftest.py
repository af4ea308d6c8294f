"""A network guard for every fetch test, and a local page server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.fetch import AllowList, FakeResolver, SafeFetcher
from tests.support.fetch import Factory, Guard, PageServer, is_loopback, routes


@pytest.fixture(autouse=True)
def guard(monkeypatch: pytest.MonkeyPatch) -> Guard:
    """Record connection attempts; refuse any outside 127.0.0.0/8 and ::1, and lookups of names."""
    seen = Guard()
    sock_connect = asyncio.selector_events.BaseSelectorEventLoop.sock_connect
    connect = socket.socket.connect
    getaddrinfo = socket.getaddrinfo

    async def guarded_sock_connect(loop: Any, sock: socket.socket, address: Any) -> None:
        seen.connects.append(str(address[0]))
        if not is_loopback(str(address[0])):
            raise OSError(f"test guard: connection to {address[0]} blocked")
        await sock_connect(loop, sock, address)

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        # Blocks only: the event loop's sock_connect above calls this too, and records already.
        if not is_loopback(str(address[0])):
            raise OSError(f"test guard: connection to {address[0]} blocked")
        connect(sock, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        seen.lookups.append(str(host))
        if host is not None and not is_loopback(str(host)):
            raise OSError(f"test guard: lookup of {host} blocked")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(
        asyncio.selector_events.BaseSelectorEventLoop, "sock_connect", guarded_sock_connect
    )
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return seen


@pytest.fixture
async def server() -> AsyncIterator[PageServer]:
    """The page server on 127.0.0.1 (a free port), counting requests in a middleware."""
    state = PageServer(port=0)

    @web.middleware
    async def count(request: web.Request, handler: Any) -> web.StreamResponse:
        state.requests.append(request)
        response: web.StreamResponse = await handler(request)
        return response

    app = web.Application(middlewares=[count])
    app.add_routes(routes(state))
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    assert test_server.port is not None
    state.port = test_server.port
    yield state
    await test_server.close()


@pytest.fixture
def make_fetcher() -> Factory:
    """Build a SafeFetcher from allow entries and a fake resolver's name table."""

    def build(
        allow: tuple[str, ...] = ("127.0.0.1",),
        names: dict[str, str | list[str]] | None = None,
        **limits: Any,
    ) -> tuple[SafeFetcher, FakeResolver]:
        resolver = FakeResolver(names or {})
        return SafeFetcher(AllowList.parse(allow), resolver, **limits), resolver

    return build
