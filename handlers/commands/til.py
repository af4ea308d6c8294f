"""`/til TEXT`: record a learning."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.models import ShareInput
from bot.slacktext import parse_message
from bot.store import Store
from handlers.blocks import build_ephemeral
from handlers.capture import fetch_time, message_drafts
from handlers.lookup import channel_info

MAX_TIL = 4000


def til_ts(now: float) -> str:
    """A Slack-style ts for a learning that has no message of its own."""
    return f"{int(now)}.{int(now * 1_000_000) % 1_000_000:06d}"


async def handle_til(
    ack: AsyncAck, command: dict[str, Any], store: Store, client: AsyncWebClient, config: Config
) -> None:
    """Store the learning (always: it is an explicit act) and confirm privately."""
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
    private = False
    if channel_id[:1] == "D" or not channel_id:
        channel_id = ""  # a direct message: the learning belongs to no channel
    else:
        private = (await channel_info(store, client, team_id, channel_id)).is_private
    ts = til_ts(time.time())
    share = ShareInput(team_id, channel_id, ts, str(command.get("user_id")), text, private,
                       source="til")  # fmt: skip
    # A learning with links is one learning item, and each link is a link item too.
    drafts = message_drafts(share, parse_message(text), learning=True)
    await store.save_message(share, drafts, fetch_time(config))
    await ack(build_ephemeral("Saved your learning. Thanks for sharing it!"))
