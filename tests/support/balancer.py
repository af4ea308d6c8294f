"""A small round-robin HTTP load balancer on 127.0.0.1, in front of several bot replicas.

Each request goes to the next backend in turn. A backend that refuses the connection (it is
down) is skipped for the next one, as a load balancer's health checks would; a backend that
drops a request it was given answers 502, and Slack delivers the event again.
"""

from __future__ import annotations

from collections import Counter
from types import TracebackType

import aiohttp
from aiohttp import web

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Balancer:
    """Round robin over `ports` on 127.0.0.1; `url` is where to send requests."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.served: Counter[int] = Counter()  # answered requests per backend port
        self._turn = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> Balancer:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        for _ in self.ports:
            self._turn += 1
            port = self.ports[self._turn % len(self.ports)]
            url = f"http://127.0.0.1:{port}{request.path_qs}"
            try:
                async with self._session.request(
                    request.method, url, data=body, headers=headers
                ) as answer:
                    text = await answer.read()
                    kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
                    self.served[port] += 1
                    return web.Response(status=answer.status, body=text, headers=kept)
            except aiohttp.ClientConnectorError:
                continue  # down: the next backend gets it
            except (aiohttp.ClientError, TimeoutError):
                return web.Response(status=502, text="the backend dropped the request")
        return web.Response(status=503, text="no backend is up")
