"""`/til TEXT`: record a learning and post it as a card credited to its author."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.models import BotPost, ShareInput
from bot.slacktext import parse_message
from bot.store import Store
from handlers.blocks.ask import build_til_card
from handlers.blocks.common import NOTE_SAVED, build_ephemeral, build_note_saved
from handlers.features.capture import fetch_time, message_drafts
from handlers.features.lookup import (
    channel_info,
    command_channel_type,
    command_in_dm,
    person_name,
)

MAX_TIL = 4000
OPTED_OUT = "You opted out, so Serendip keeps nothing of yours. `/serendip optin` to record it."
NOT_POSTED = (
    "I could not post your learning here (invite me with `/invite @serendip`); it "
    "is saved all the same."
)


def til_ts(now: float) -> str:
    """A Slack-style ts for a learning that has no message of its own."""
    return f"{int(now)}.{int(now * 1_000_000) % 1_000_000:06d}"


async def handle_til(
    ack: AsyncAck,
    respond: AsyncRespond,
    command: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    later: Later,
) -> None:
    """Store the learning (an explicit act: wherever it is typed, unless its author opted
    out), confirm, then post its card."""
    text = str(command.get("text") or "").strip()
    if not text:
        await ack(build_ephemeral("Usage: `/til what you learned` (links welcome)."))
        return
    if len(text) > MAX_TIL:
        await ack(
            build_ephemeral(f"That is too long for a learning (at most {MAX_TIL} characters).")
        )
        return
    team_id = str(command.get("team_id"))
    if await store.opted_out(team_id, str(command.get("user_id"))):
        await ack(build_ephemeral(OPTED_OUT))  # "anything by a user who opted out": never
        return
    # In a direct message or a group DM, the learning belongs to no channel.
    channel_id = "" if command_in_dm(command) else str(command.get("channel_id"))
    # Known channels come from the store; a new one costs one conversations.info.
    # A direct message's learning is a personal note: private to its author until shared.
    private = (
        not channel_id
        or (
            await channel_info(store, client, team_id, channel_id, command_channel_type(command))
        ).is_private
    )
    share = ShareInput(
        team_id,
        channel_id,
        til_ts(time.time()),
        str(command.get("user_id")),
        text,
        private,
        source="til",
    )
    # Stored before the acknowledgement: once Slack shows it went through, it is kept.
    drafts = message_drafts(share, parse_message(text), learning=True)
    ids = await store.save_message(share, drafts, fetch_time(config))
    if not channel_id:
        await ack(build_note_saved(ids[0]) if ids else build_ephemeral(NOTE_SAVED))
        return
    await ack(build_ephemeral("Saved your learning; posting it here so others can mark it useful."))
    await store.note_person_activity(team_id, share.user or "", time.time())  # a command used
    later.run(_post_card(store, client, respond, share), "til-card")


async def _post_card(
    store: Store, client: AsyncWebClient, respond: AsyncRespond, share: ShareInput
) -> None:
    """Post the card; the learning then lives at the card, so reactions on it are votes."""
    name = await person_name(store, client, share.team_id, share.user or "")
    try:
        answer = await client.chat_postMessage(
            channel=share.channel, **build_til_card(share.text, name)
        )
    except SlackApiError:
        await respond(build_ephemeral(NOT_POSTED))
        return
    card_ts = str(answer["ts"])
    await store.move_message(share.team_id, share.channel, share.ts, card_ts)
    await store.record_bot_post(BotPost(share.team_id, share.channel, card_ts, share.user, "til"))
