"""`app_home_opened`: the welcome view on a person's first visit, then their Home as it is."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.store import Store
from handlers.features.home import publish_home
from handlers.features.welcome import publish_welcome


async def handle_app_home_opened(
    event: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
) -> None:
    """Publish Home when its tab is opened (the Messages tab needs nothing): the welcome the
    first time, remembered so it is shown once."""
    user = event.get("user")
    if event.get("tab") != "home" or not isinstance(user, str) or not user:
        return
    team_id = context["team_id"]
    if await store.claim_welcome(team_id, user):
        await publish_welcome(client, store, config, team_id, user)
        return
    await publish_home(client, store, team_id, user, config=config)
