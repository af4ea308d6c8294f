"""`/til TEXT`: record a learning and post it as a card credited to its author."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.models import BotPost, ShareInput
from bot.slacktext import parse_message
from bot.store import Store
from handlers.ask_blocks import build_til_card
from handlers.blocks import build_ephemeral
from handlers.capture import fetch_time, message_drafts
from handlers.lookup import channel_info, person_name

MAX_TIL = 4000


def til_ts(now: float) -> str:
    """A Slack-style ts for a learning that has no message of its own."""
    return f"{int(now)}.{int(now * 1_000_000) % 1_000_000:06d}"


async def handle_til(
    ack: AsyncAck, command: dict[str, Any], store: Store, client: AsyncWebClient, config: Config
) -> None:
    """Store the learning (always: it is an explicit act), post its card, confirm privately."""
    text = str(command.get("text") or "").strip()
    if not text:
        await ack(build_ephemeral("Usage: `/til what you learned` (links welcome)."))
        return
    if len(text) > MAX_TIL:
        await ack(
            build_ephemeral(f"That is too long for a learning (at most {MAX_TIL} characters).")
        )
        return
    team_id, channel_id = str(command.get("team_id")), str(command.get("channel_id", ""))
    user = str(command.get("user_id"))
    private, card_ts = False, None
    if channel_id[:1] == "D" or not channel_id:
        channel_id = ""  # a direct message: the learning belongs to no channel
    else:
        private = (await channel_info(store, client, team_id, channel_id)).is_private
        card_ts = await _post_card(store, client, team_id, channel_id, user, text)
    # The card is the learning's message, so reactions on it are votes (never its author's).
    share = ShareInput(team_id, channel_id, card_ts or til_ts(time.time()), user, text, private,
                       source="til")  # fmt: skip
    # A learning with links is one learning item, and each link is a link item too.
    await store.save_message(share, message_drafts(share, parse_message(text), learning=True),
                             fetch_time(config))  # fmt: skip
    if card_ts:
        await store.record_bot_post(BotPost(team_id, channel_id, card_ts, user, "til"))
    await ack(build_ephemeral(_confirmation(channel_id, card_ts)))


async def _post_card(
    store: Store, client: AsyncWebClient, team_id: str, channel: str, user: str, text: str
) -> str | None:
    """Post the card; None where the bot may not post (a channel it is not in)."""
    card = build_til_card(text, await person_name(store, client, team_id, user))
    try:
        return str((await client.chat_postMessage(channel=channel, **card))["ts"])
    except SlackApiError:
        return None


def _confirmation(channel: str, card_ts: str | None) -> str:
    if card_ts:
        return "Saved your learning and posted it here, so others can mark it useful."
    if not channel:
        return "Saved your learning. Direct messages stay private, so it was not posted anywhere."
    return ("Saved your learning. I could not post it here (invite me with `/invite @serendip`), "
            "so only you see this.")  # fmt: skip
