"""**Not me** on a routed question's direct message."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.store import Store
from handlers.features.ask_loop import decline
from handlers.features.replies import reply_when_ready


async def handle_ask_decline(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    later: Later,
) -> None:
    """An expert passes: the question goes to the next expert at once."""
    await ack()
    question_id, user = str(action.get("value") or "")[:100], str(body["user"]["id"])
    work = decline(store, client, config, question_id, user)
    later.run(reply_when_ready(respond, work, replace_original=True), "ask-decline")
