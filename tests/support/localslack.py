"""Test helpers: a scriptable plain-aiohttp HTTP bot on loopback."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web


@dataclass
class Received:
    """One request the HTTP bot received."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON (events)."""
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """The body as a form (slash commands)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def payload(self) -> Any:
        """The interactive payload=<json> field."""
        return json.loads(self.form()["payload"])


@dataclass
class Reply:
    """What the HTTP bot answers to one request."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class HttpBot:
    """A plain aiohttp server on loopback that records requests and answers from a script."""

    def __init__(self) -> None:
        """Start with an empty script (answer 200)."""
        self.requests: list[Received] = []
        self.script: list[Reply] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        """Record, then answer with the next scripted reply."""
        self.requests.append(Received(dict(request.headers), await request.read()))
        reply = self.script.pop(0) if self.script else Reply()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        return web.Response(status=reply.status, text=reply.body, headers=reply.headers)

    async def start(self) -> None:
        """Serve on 127.0.0.1, a free port."""
        app = web.Application()
        app.router.add_post("/slack/events", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/slack/events"

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
