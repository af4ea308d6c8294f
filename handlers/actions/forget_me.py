"""The forget-me confirmation buttons, and the deletion itself."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.forgetting import forget
from bot.inbox import InboxWorker
from bot.later import Later
from bot.store import Store


async def handle_forget_confirm(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    inbox: InboxWorker,
    later: Later,
) -> None:
    """The person confirmed: delete everything about them (their own posts deleted, the digests
    naming them updated without them: after answering Slack) and say what went."""
    await ack()
    work = _forget(respond, store, client, inbox, context["team_id"], str(body["user"]["id"]))
    later.run(work, "forget-me")


async def _forget(
    respond: AsyncRespond,
    store: Store,
    client: AsyncWebClient,
    inbox: InboxWorker,
    team_id: str,
    user_id: str,
) -> None:
    await inbox.catch_up()  # so nothing they shared before is stored after
    result, deleted, updated = await forget(store, client, team_id, user_id)
    await respond(
        replace_original=True,
        text=(
            f"Done. Deleted {result.shares} share(s), {result.votes} vote(s), {result.flags} "
            f"flag(s) and {deleted} post(s) of yours, and took your items and name out of "
            f"{updated} digest(s). You stay opted out; `/serendip optin` starts capture again."
        ),
    )


async def handle_forget_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
    """The person changed their mind: nothing is deleted."""
    await ack()
    await respond(replace_original=True, text="Cancelled: nothing was deleted.")
