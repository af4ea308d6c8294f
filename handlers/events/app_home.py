"""`app_home_opened`: publish the person's Home tab as it is now."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.store import Store
from handlers.features.home import publish_home


async def handle_app_home_opened(
    event: dict[str, Any], store: Store, client: AsyncWebClient, context: dict[str, Any]
) -> None:
    """Publish Home when its tab is opened (the Messages tab needs nothing)."""
    user = event.get("user")
    if event.get("tab") != "home" or not isinstance(user, str) or not user:
        return
    await publish_home(client, store, context["team_id"], user)
