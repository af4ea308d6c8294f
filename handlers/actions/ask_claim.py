"""**I'll answer** on a routed question's direct message."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.later import Later
from bot.store import Store
from handlers.features.ask_loop import claim
from handlers.features.replies import reply_when_ready


async def handle_ask_claim(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    later: Later,
) -> None:
    """An expert will answer: noted in the question's thread; their message says so."""
    await ack()
    question_id, user = str(action.get("value") or "")[:100], str(body["user"]["id"])
    work = claim(store, client, question_id, user)
    later.run(reply_when_ready(respond, work, replace_original=True), "ask-claim")
