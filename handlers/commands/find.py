"""`/find QUERY`: search what the team has shared and learned."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.later import Later
from bot.store import Store
from handlers.blocks.common import build_ephemeral
from handlers.features.find import first_page
from handlers.features.replies import reply_when_ready

USAGE = 'Usage: `/find words` (quote a phrase: `/find "feature flags"`).'


async def handle_find(
    ack: AsyncAck,
    respond: AsyncRespond,
    command: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    later: Later,
) -> None:
    """Answer privately with the best matches the person may see, five at a time."""
    text = str(command.get("text") or "").strip()
    if not any(ch.isalnum() for ch in text):
        await ack(build_ephemeral(USAGE))
        return
    await ack()
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    opted_out = await store.opted_out(team_id, user)
    if not opted_out:
        await store.note_person_activity(team_id, user, time.time())  # active: due a digest
    # An opted-out person's searches leave no trace, not even anonymous knowledge gaps.
    page = first_page(store, client, command, may_keep_gap=not opted_out)
    later.run(reply_when_ready(respond, page), "find")
