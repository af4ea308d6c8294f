"""The HTTP side: `POST /slack/events` behind a guard, `GET /healthz`, and (installed by OAuth)
`GET /slack/install` and `GET /slack/oauth_redirect`.

Bolt answers 500 to a non-numeric timestamp and to a body that is not JSON; the guard
answers 401 and 400 first, as Slack's own servers would expect. A signed request seen before
(a replay: Slack's signature has no nonce) gets an empty 200 and nothing is done again.
Every request is read within a time limit (bot/guard.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest

from bot import __version__
from bot.app import SerendipApp
from bot.config import DEFAULT_CAP, DEFAULT_READ_TIMEOUT
from bot.envelopes import event_body_fields
from bot.guard import ConnectionGuard
from bot.shapes import well_formed
from bot.signing import ReplayCache, Verifier
from bot.store import Store

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def parse_body(text: str, content_type: str) -> dict[str, Any] | None:
    """The JSON object Bolt will see, or None when the body cannot be one."""
    try:
        if content_type == "application/json" or text.startswith("{"):
            data = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            data = json.loads(form["payload"]) if "payload" in form else form
    except (ValueError, RecursionError):  # RecursionError: nested thousands of levels deep
        return None
    return data if isinstance(data, dict) else None


class EventsEndpoint:
    """Checks a request the way Slack signs it, then hands it to Bolt."""

    def __init__(self, app: SerendipApp, signing_secret: str, clock: Callable[[], float]) -> None:
        self.app = app
        self.verifier = Verifier(signing_secret, clock)
        self.seen = ReplayCache(clock)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer 401, 400 or whatever Bolt answers."""
        raw = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not self.verifier.valid(raw, timestamp, signature):
            return _error(401, "invalid request")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _error(400, "body is not UTF-8")
        data = parse_body(text, request.content_type)
        if data is None or not well_formed(data):
            return _error(400, "malformed body")
        key = event_body_fields(data)
        if key is not None:
            # The hot path: an event only needs to reach the inbox before the answer.
            refused = await self.app.accept_event(*key, text)
            if refused:  # 503 while the store cannot write: Slack delivers the event again later
                return _error(503, refused)
            return web.Response(status=200)
        # Events are kept once per event id by the inbox, which also lets Slack's retries of an
        # event that failed through; everything else is kept from acting twice here.
        if not self.seen.first_time(signature, timestamp):
            return web.Response(status=200)
        bolt_request = AsyncBoltRequest(
            body=text, query=request.query_string, headers=dict(request.headers)
        )
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))


def add_oauth_routes(web_app: web.Application, bolt_app: SerendipApp) -> None:
    """Serve Bolt's install page and OAuth redirect (installed by OAuth, in either mode)."""
    flow = bolt_app.oauth_flow
    if flow is None:
        return

    async def install(request: web.Request) -> web.StreamResponse:
        """Start an install: a new state, and the way to Slack's authorize page."""
        bolt_request = AsyncBoltRequest(
            body="", query=request.query_string, headers=dict(request.headers)
        )
        return await to_aiohttp_response(await flow.handle_installation(bolt_request))

    async def redirect(request: web.Request) -> web.StreamResponse:
        """Finish an install: check the state, exchange the code, keep the installation."""
        bolt_request = AsyncBoltRequest(
            body="", query=request.query_string, headers=dict(request.headers)
        )
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    web_app.router.add_get(flow.install_path, install)
    web_app.router.add_get(flow.redirect_uri_path, redirect)


def build_web_app(
    store: Store,
    mode: str,
    bolt_app: SerendipApp | None = None,
    signing_secret: str | None = None,
    guard: ConnectionGuard | None = None,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """The aiohttp application: the events endpoint (HTTP mode) and the health check, every
    request read within the guard's time limit."""
    guard = guard or ConnectionGuard(DEFAULT_CAP, DEFAULT_READ_TIMEOUT, time.monotonic)
    web_app = web.Application(client_max_size=MAX_BODY, middlewares=[guard.middleware])

    async def healthz(_: web.Request) -> web.Response:
        failure = store.write_failure
        ok = store.opened and failure is None
        answer: dict[str, Any] = {"ok": ok, "mode": mode, "version": __version__}
        if not store.opened:
            answer["reason"] = "the database is not open"
        elif failure is not None:  # the last write failed, or the database is read-only
            answer["reason"] = f"the database cannot be written: {failure}"
        return web.json_response(answer, status=200 if ok else 503)

    web_app.router.add_get("/healthz", healthz)
    if bolt_app is not None and signing_secret:
        endpoint = EventsEndpoint(bolt_app, signing_secret, clock)
        web_app.router.add_post(EVENTS_PATH, endpoint.handle)
    return web_app
