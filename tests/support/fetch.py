"""The fetch tests' pieces: a record of connection attempts, and a local page server's routes
(every kind of page a link preview meets, hostile ones included)."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

from aiohttp import web

from bot.fetch import FakeResolver, SafeFetcher

# One compressed body shared by the tests: 20 MB of spaces after a title, about 20 kB gzipped.
GZIP_BOMB = gzip.compress(b"<title>bomb</title>" + b" " * 20_000_000, compresslevel=9)
NESTED = b"<title>deep</title>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000
SERVER_STREAM_CAP = 20_000_000  # the endless body still ends somewhere, in case a test breaks


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (with or without a zone) or localhost: the only places a test may reach."""
    try:
        return ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass
class Guard:
    """Every connection attempt and name lookup made during a test."""

    connects: list[str] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)


@dataclass
class PageServer:
    """The running server: its port, and every request it received."""

    port: int
    requests: list[web.Request] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    streamed: int = 0
    streaming: bool = False

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """A URL on this server under the given host name."""
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [request.path for request in self.requests]


def _html(body: str | bytes, status: int = 200, charset: str | None = "utf-8") -> web.Response:
    data = body.encode() if isinstance(body, str) else body
    response = web.Response(body=data, status=status, content_type="text/html")
    response.charset = charset
    return response


def routes(server: PageServer) -> list[web.RouteDef]:
    """The page server's pages; the streaming and holding ones report to `server`."""

    async def page(request: web.Request) -> web.Response:
        return _html(
            "<html><head><title>Plain title</title>"
            '<meta property="og:title" content="OG  title">'
            '<meta property="og:description" content="About\n the page">'
            '<meta property="og:site_name" content="Example News">'
            '<meta property="og:image" content="/img.png">'
            '<link rel="canonical" href="/canonical/page?x=1">'
            "</head><body>hello</body></html>"
        )

    async def plain(request: web.Request) -> web.Response:
        return _html("<title>Only a title</title><meta name=description content='Described'>")

    async def chain(request: web.Request) -> web.Response:
        left = int(request.match_info["n"])
        target = "/page" if left == 0 else f"/chain/{left - 1}"
        raise web.HTTPFound(target)

    async def to(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["url"])

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("s", "30")))
        if "next" in request.query:
            raise web.HTTPFound(request.query["next"])
        return _html("<title>slow</title>")

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(300):  # bounded: 30 s at most
            await response.write(b" ")
            await asyncio.sleep(0.1)
        return response

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(b"<title>endless</title>")
        chunk = b"<p>more</p>" * 6_000
        server.streaming = True
        try:
            while server.streamed < SERVER_STREAM_CAP:
                await response.write(chunk)
                server.streamed += len(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, as it should
        finally:
            server.streaming = False
        return response

    async def hold(request: web.Request) -> web.Response:
        server.in_flight += 1
        server.peak = max(server.peak, server.in_flight)
        try:
            await asyncio.sleep(0.15)
        finally:
            server.in_flight -= 1
        return _html("<title>held</title>")

    async def set_cookie(request: web.Request) -> web.Response:
        response = web.HTTPFound("/echo")
        response.set_cookie("session", "secret")
        raise response

    async def echo(request: web.Request) -> web.Response:
        seen = "|".join(f"{k}={v}" for k, v in request.headers.items())
        return _html(f"<title>echo</title><meta name=description content='{seen}'>")

    async def gzipped(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
        return web.Response(body=GZIP_BOMB, headers=headers)

    def fixed(body: bytes | str, **kwargs: Any) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.Response:
            return _html(body, **kwargs)

        return handler

    async def json(request: web.Request) -> web.Response:
        return web.json_response({"title": "not html"})

    return [
        web.get("/page", page),
        web.get("/plain", plain),
        web.get("/chain/{n}", chain),
        web.get("/to", to),
        web.get("/slow", slow),
        web.get("/trickle", trickle),
        web.get("/endless", endless),
        web.get("/hold", hold),
        web.get("/set-cookie", set_cookie),
        web.get("/echo", echo),
        web.get("/gzip", gzipped),
        web.get("/json", json),
        web.get("/missing", fixed("<title>gone</title>", status=404)),
        web.get("/nested", fixed(NESTED)),
        web.get("/huge-title", fixed("<title>" + "spam " * 300_000 + "</title>")),
        web.get("/bad-encoding", fixed(b"<title>caf\xc3\xa9 \xff\xfe\xc3(</title>")),
        web.get("/bogus-charset", fixed(b"<title>caf\xe9</title>", charset="x-no-such")),
        web.get("/latin1", fixed(b"<title>caf\xe9</title>", charset="iso-8859-1")),
    ]


Factory = Callable[..., tuple[SafeFetcher, FakeResolver]]
