"""The "More results" button under /find results."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.later import Later
from bot.store import Store
from handlers.blocks.find import parse_more
from handlers.features.find import find_page
from handlers.features.replies import reply_when_ready


async def handle_find_more(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    later: Later,
) -> None:
    """Show the next page of the same search in place of this one."""
    await ack()
    parsed = parse_more(str(action.get("value") or ""))
    if parsed is None:
        await respond(response_type="ephemeral", text="That search has expired; run /find again.")
        return
    query, offset = parsed
    page = find_page(store, client, context["team_id"], str(body["user"]["id"]), query, offset)
    later.run(reply_when_ready(respond, page, replace_original=True), "find-more")
