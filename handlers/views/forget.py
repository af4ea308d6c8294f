"""The "Delete my data" confirmation modal opened from Home."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.forgetting import forget
from bot.inbox import InboxWorker
from bot.later import Later
from bot.store import Store
from handlers.blocks.home import forgotten_notice
from handlers.features.home import publish_home


async def handle_forget_submission(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    inbox: InboxWorker,
    later: Later,
    config: Config,
) -> None:
    """Confirmed: close the modal, then delete everything about the person (as forget-me
    does: their own posts deleted, digests naming them updated) and show Home with what went."""
    await ack()
    later.run(
        _forget(store, client, config, inbox, str(context["team_id"]), str(body["user"]["id"])),
        "forget",
    )


async def _forget(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    inbox: InboxWorker,
    team_id: str,
    user_id: str,
) -> None:
    await inbox.catch_up()  # so nothing they shared before is stored after
    result, deleted, updated = await forget(store, client, team_id, user_id)
    notice = forgotten_notice(result, deleted, updated)
    await publish_home(client, store, team_id, user_id, notice, config=config)
