"""`message` events of every subtype: capture, edits, deletions, and direct messages."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import SLACKBOT
from bot.config import Config
from bot.store import Store
from handlers.blocks.common import build_help
from handlers.features.ask import note_reply, reply_deleted
from handlers.features.capture import CAPTURED_SUBTYPES, capture_message, fetch_time, is_from_bot


async def handle_message(
    event: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
) -> None:
    """Route a message event by subtype; unknown subtypes are acknowledged and ignored."""
    team_id, channel = context["team_id"], str(event.get("channel", ""))
    subtype = event.get("subtype")
    if event.get("channel_type") == "im":
        await _direct_message(event, client)
    elif subtype in CAPTURED_SUBTYPES:
        await capture_message(
            store,
            client,
            team_id,
            channel,
            event,
            event.get("channel_type"),
            fetch_at=fetch_time(config),
            enterprise_id=context.get("enterprise_id"),
            seen=True,
        )
        await note_reply(store, client, team_id, channel, event, context.get("enterprise_id"))
    elif subtype == "message_changed" and isinstance(event.get("message"), dict):
        await _changed(event, store, client, context, fetch_time(config))
    elif subtype == "message_deleted":
        await store.remove_message(team_id, channel, str(event.get("deleted_ts", "")))
        await reply_deleted(store, client, team_id, channel, str(event.get("deleted_ts", "")))


async def _changed(
    event: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    fetch_at: float | None,
) -> None:
    team_id, channel = context["team_id"], str(event.get("channel", ""))
    message = event["message"]
    previous = event.get("previous_message")
    if not message.get("ts") and isinstance(previous, dict) and previous.get("ts"):
        message = {**message, "ts": previous["ts"]}  # some payloads leave it out of `message`
    if message.get("subtype") == "tombstone":
        # A thread parent deleted while it has replies: Slack keeps a tombstone.
        await store.remove_message(team_id, channel, str(message.get("ts", "")))
        return
    await note_reply(store, client, team_id, channel, message, context.get("enterprise_id"))
    await capture_message(
        store,
        client,
        team_id,
        channel,
        message,
        event.get("channel_type"),
        edited=True,
        fetch_at=fetch_at,
        enterprise_id=context.get("enterprise_id"),
    )


async def _direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
    # Only a person's own new message gets the help text; edits, bots and Slackbot's system
    # notices (user USLACKBOT, no subtype, no client_msg_id) get nothing.
    user = event.get("user")
    if event.get("subtype") is not None or is_from_bot(event):
        return
    if not isinstance(user, str) or not user or user == SLACKBOT:
        return
    await client.chat_postMessage(channel=event["channel"], **build_help())
