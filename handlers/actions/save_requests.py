"""The author's answer to "<Name> wants to keep your message": Share it, or No thanks."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.later import Later
from bot.store import Store
from handlers.features.save import answer_request


async def handle_save_request(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    later: Later,
) -> None:
    """Share it saves the learning credited to the presser (its author); No thanks does not."""
    await ack()
    action = (body.get("actions") or [{}])[0]
    agreed = action.get("action_id") == "save_request_share"
    author, value = str(body["user"]["id"]), str(action.get("value") or "")[:400]

    async def answer() -> None:
        text = await answer_request(
            store, client, context["team_id"], author, value, agreed, context.get("enterprise_id")
        )
        await respond(replace_original=True, text=text)

    later.run(answer(), "save-request")
