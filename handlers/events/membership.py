"""`member_joined_channel` and `member_left_channel`, as far as they concern the bot."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import ChannelInfo
from bot.store import Store
from handlers.blocks.common import build_join_note
from handlers.features.lookup import fetch_channel

log = logging.getLogger(__name__)


async def handle_member_joined(
    event: dict[str, Any], store: Store, client: AsyncWebClient, context: dict[str, Any]
) -> None:
    """When the bot itself joins, remember the channel and post the join note once."""
    team_id, channel_id = context["team_id"], str(event.get("channel", ""))
    if event.get("user") != context.get("bot_user_id") or not channel_id:
        return
    info = await fetch_channel(client, team_id, channel_id) or ChannelInfo(
        team_id, channel_id, is_private=event.get("channel_type") == "G"
    )
    await store.save_channel(ChannelInfo(**{**info.__dict__, "is_member": True}))
    if not await store.claim_join_note(team_id, channel_id):
        return  # already greeted: a retry, or the bot was re-added
    try:
        await client.chat_postMessage(channel=channel_id, **build_join_note(info.is_private))
    except SlackApiError as exc:
        log.warning("join note in %s failed: %s", channel_id, exc.response.get("error"))


async def handle_member_left(event: dict[str, Any], store: Store, context: dict[str, Any]) -> None:
    """When the bot is removed from a channel, stop treating it as a member."""
    if event.get("user") == context.get("bot_user_id") and event.get("channel"):
        await store.update_channel(context["team_id"], str(event["channel"]), is_member=False)
