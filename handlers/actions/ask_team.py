"""**Ask the team**, under an @mention's answer or a /find that found nothing: /ask as a modal,
with the words."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from handlers.blocks.welcome import build_ask_modal


async def handle_ask_team(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    config: Config,
) -> None:
    """Open the ask modal with the words, to post the question in the channel they came from."""
    await ack()
    channel = str((body.get("channel") or {}).get("id") or "")
    words = str(action.get("value") or "")
    # One call, and it must come within 3 seconds of the press (the trigger expires).
    view = build_ask_modal(words, channel, config.ask_channel)
    await client.views_open(trigger_id=body["trigger_id"], view=view)
