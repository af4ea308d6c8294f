"""The buttons of the note posted when the bot joins a channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.inbox import InboxWorker
from bot.later import Later
from bot.store import Store
from handlers.blocks.common import PRIVACY_TEXT
from handlers.features.lookup import channel_info, is_admin, is_member, is_outsider_person
from handlers.features.replies import reply_when_ready

REFUSED = "Only members of this channel and admins can turn its capture off."


async def handle_join_privacy(ack: AsyncAck, respond: AsyncRespond) -> None:
    """**How privacy works**: told to the presser alone."""
    await ack()
    await respond(response_type="ephemeral", replace_original=False, text=PRIVACY_TEXT)


async def handle_join_capture_off(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    store: Store,
    client: AsyncWebClient,
    config: Config,
    inbox: InboxWorker,
    context: dict[str, Any],
    later: Later,
) -> None:
    """**Turn off capture here**, as `/serendip channel capture off` does: members and admins."""
    await ack()
    channel = str((body.get("channel") or {}).get("id") or "")
    user = str(body["user"]["id"])
    where = (str(context["team_id"]), channel, context.get("enterprise_id"))
    work = _capture_off(store, client, config, inbox, where, user)
    later.run(reply_when_ready(respond, work, replace_original=False), "join-capture-off")


async def _capture_off(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    inbox: InboxWorker,
    where: tuple[str, str, str | None],
    user: str,
) -> str:
    team_id, channel, enterprise_id = where
    # A person of another organisation in a Slack Connect channel is a member, yet not one of
    # ours: the setting is our workspace's to change.
    if not channel or await is_outsider_person(store, client, team_id, user, enterprise_id):
        return REFUSED
    if not (await is_member(client, channel, user) or await is_admin(config, client, user)):
        return REFUSED
    await inbox.catch_up()  # act after the messages sent before the press, like /serendip
    info = await channel_info(store, client, team_id, channel)
    await store.update_channel(team_id, channel, is_private=info.is_private, capture="off")
    return f"Capture is now *off* in <#{channel}>. `/serendip channel capture on` turns it back on."
