"""Home's "Edit settings" button (admins only): opens the modal of the workspace's settings."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from handlers.blocks.admin import build_settings_modal
from handlers.features.lookup import is_admin

log = logging.getLogger(__name__)


async def handle_admin_settings(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, config: Config
) -> None:
    """Open the settings modal for an admin of the workspace; a press by anyone else (Home
    never shows them the button) opens nothing."""
    await ack()
    user = str(body["user"]["id"])
    if not await is_admin(config, client, user):
        log.warning("workspace settings: %s is not an admin; nothing opened", user)
        return
    # One call, within 3 seconds of the press (the trigger expires).
    await client.views_open(trigger_id=body["trigger_id"], view=build_settings_modal(config))
