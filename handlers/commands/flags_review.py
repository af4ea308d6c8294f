"""`/serendip flags`: the admins' review of flagged items."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.store import FlaggedItem, Store
from handlers.blocks.common import build_ephemeral
from handlers.blocks.review import build_flag_review
from handlers.features.lookup import is_admin, private_channels_of

NOT_ADMIN = "Sorry, only admins can review flagged items."


async def flags_review(
    command: dict[str, Any], store: Store, client: AsyncWebClient, config: Config
) -> dict[str, Any]:
    """`/serendip flags`: the flagged items with Restore and Remove buttons, for admins only."""
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    if not await is_admin(config, client, user):
        return build_ephemeral(NOT_ADMIN)
    return {"response_type": "ephemeral", **await review_message(store, client, team_id, user)}


async def review_message(
    store: Store, client: AsyncWebClient, team_id: str, admin: str, note: str | None = None
) -> dict[str, Any]:
    """The review as one admin may see it, after `note` (what their last button did)."""
    flagged, total = await store.flagged_items(team_id)
    readable = await _readable_channels(client, flagged, admin)
    return build_flag_review(flagged, total, readable, note)


async def _readable_channels(
    client: AsyncWebClient, flagged: list[FlaggedItem], admin: str
) -> set[str]:
    """The private channels of listed items that the admin is a member of (one call to Slack:
    the private channels the admin shares with the bot)."""
    channels = {item.private_channel for item in flagged if item.private_channel}
    if not channels:
        return set()
    return channels & set(await private_channels_of(client, admin))
