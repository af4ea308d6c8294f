"""`app_mention`: the same message usually arrives as `message` too; capture is idempotent.
The mention itself is answered in its thread (handlers/features/mention.py)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.store import Store
from handlers.features.capture import capture_message, fetch_time
from handlers.features.mention import answer_mention


async def handle_app_mention(
    event: dict[str, Any],
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
) -> None:
    """Capture a message that mentions the bot, exactly as if it came as `message`, then
    answer it in the thread."""
    channel = str(event.get("channel", ""))
    await capture_message(
        store,
        client,
        context["team_id"],
        channel,
        event,
        fetch_at=fetch_time(config),
        enterprise_id=context.get("enterprise_id"),
    )
    if channel:
        shared = bool(body.get("is_ext_shared_channel"))
        await answer_mention(store, client, context["team_id"], channel, event, shared)
