"""The forget-me confirmation buttons, and the deletion itself."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.forgetting import forget
from bot.inbox import InboxWorker
from bot.store import Store


async def handle_forget_confirm(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store,
    client: AsyncWebClient, context: dict[str, Any], inbox: InboxWorker,
) -> None:  # fmt: skip
    """The person confirmed: delete everything about them and say what went."""
    await ack()
    await inbox.catch_up()  # so nothing they shared before is stored after
    user_id = str(body["user"]["id"])
    result, deleted = await forget(store, client, context["team_id"], user_id)
    await respond(
        replace_original=True,
        text=(
            f"Done. Deleted {result.shares} share(s), {result.votes} vote(s), {result.flags} "
            f"flag(s) and {deleted} post(s) crediting you. You stay opted out; "
            "`/serendip optin` starts capture again."
        ),
    )


async def handle_forget_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
    """The person changed their mind: nothing is deleted."""
    await ack()
    await respond(replace_original=True, text="Cancelled: nothing was deleted.")
