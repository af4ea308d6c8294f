"""response_url endpoint, and applying slash-command answers to the channel."""

from __future__ import annotations

import copy
import json
from typing import Any

from aiohttp import web

from .blockkit import MESSAGE_BLOCKS, check_blocks, check_message
from .core import ResponseTarget, Task
from .posting import Posting
from .types import JSON, ApiError

MAX_USES = 5


def check_response(body: JSON) -> str | None:
    """The error a response_url (or ack) message body earns, if any."""
    if body.get("delete_original"):
        return None
    return check_message(body.get("text"), body.get("blocks"), body.get("attachments"))


def _bot_message(sim: Posting, target: ResponseTarget) -> tuple[Any, str] | None:
    """The channel and ts of the bot's message a response may change, if any."""
    if target.ephemeral or not target.channel or not target.message_ts:
        return None
    ch = sim.ws.channels.get(target.channel)
    msg = ch.log.get(target.message_ts) if ch is not None else None
    if ch is None or msg is None or msg.get("bot_id") != sim.ident.bot_id:
        return None
    return ch, msg["ts"]


def apply_response(sim: Posting, target: ResponseTarget, body: JSON) -> list[Task | None]:
    """Do what a response asks: delete or replace the original, or post in channel."""
    original = _bot_message(sim, target)
    if original is not None and body.get("delete_original"):
        return sim.remove(*original)
    if original is not None and body.get("replace_original"):
        changes = {k: body.get(k) for k in ("text", "blocks", "attachments")}
        return [sim.edit(original[0], original[1], sim.ident.bot_user_id, **changes)[1]]
    ch = sim.ws.channels.get(target.channel or "")
    if body.get("response_type") != "in_channel" or ch is None:
        return []
    opts = {k: copy.deepcopy(body.get(k)) for k in ("blocks", "attachments")}
    try:
        return [
            sim.bot_post(ch, body.get("text") or "", thread_ts=body.get("thread_ts"), **opts)[1]
        ]
    except ApiError:
        return []


async def handle_response(sim: Posting, request: web.Request) -> web.Response:
    """POST /response/<key>: record the message, enforce limits, apply it."""
    key = request.match_info.get("key", "")
    target = sim.response_target(key)
    if target is None:
        return web.Response(status=404, text="no_service")
    target.uses += 1
    if target.uses > MAX_USES:
        return web.Response(status=404, text="used_url")
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        return web.Response(status=400, text="invalid_payload")
    if not isinstance(body, dict):
        return web.Response(status=400, text="invalid_payload")
    error = check_response(body) or check_blocks(body.get("blocks"), MESSAGE_BLOCKS)
    if error:
        return web.Response(status=400, text=error)
    sim.responses.append({**body, "_url": f"{sim.ident.url}response/{key}"})
    apply_response(sim, target, body)
    return web.Response(text="ok")
