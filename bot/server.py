"""The HTTP side: `POST /slack/events` behind a guard, and `GET /healthz`.

Bolt answers 500 to a non-numeric timestamp and to a body that is not JSON; the guard
answers 401 and 400 first, as Slack's own servers would expect.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import __version__
from bot.app import SerendipApp
from bot.inbox import event_body_fields
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
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _well_formed(data: dict[str, Any]) -> bool:
    if data.get("type") != "event_callback":
        return True
    event = data.get("event")
    return isinstance(event, dict) and isinstance(event.get("type"), str)


class EventsEndpoint:
    """Checks a request the way Slack signs it, then hands it to Bolt."""

    def __init__(self, app: SerendipApp, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer 401, 400 or whatever Bolt answers."""
        try:
            text = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            return _error(400, "body is not UTF-8")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not self.verifier.is_valid(text, timestamp, signature):
            return _error(401, "invalid request")
        data = parse_body(text, request.content_type)
        if data is None or not _well_formed(data):
            return _error(400, "malformed body")
        key = event_body_fields(data)
        if key is not None:
            # The hot path: an event only needs to reach the inbox before the answer.
            refused = await self.app.accept_event(*key, text)
            if refused:  # 503 while the store cannot write: Slack delivers the event again later
                return _error(503, refused)
            return web.Response(status=200)
        bolt_request = AsyncBoltRequest(
            body=text, query=request.query_string, headers=dict(request.headers)
        )
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))


def build_web_app(
    store: Store, mode: str, bolt_app: SerendipApp | None = None, signing_secret: str | None = None
) -> web.Application:
    """The aiohttp application: the events endpoint (HTTP mode) and the health check."""
    web_app = web.Application(client_max_size=MAX_BODY)

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
        web_app.router.add_post(EVENTS_PATH, EventsEndpoint(bolt_app, signing_secret).handle)
    return web_app
