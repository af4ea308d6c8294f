"""Capture rules of interface.md: which messages are kept, and as which items.

Used by the message, app_mention and reaction listeners and by the save shortcut, so every
path into the store applies the same exclusions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.models import ChannelInfo, ItemDraft, ShareInput
from bot.slacktext import LEARNING_CHANNELS, ParsedMessage, parse_message, readable
from bot.store import Store
from handlers.lookup import channel_info

log = logging.getLogger(__name__)
DM_TYPES = ("im", "mpim")
CAPTURED_SUBTYPES = (None, "thread_broadcast", "file_share", "me_message")


def is_outsider(team_id: str, message: Mapping[str, Any]) -> bool:
    """A person from another organisation (Slack Connect) wrote this message."""
    author_team = message.get("user_team") or message.get("team")
    return bool(author_team) and author_team != team_id


def is_from_bot(message: Mapping[str, Any]) -> bool:
    """Bots' messages, the bot's own included, are never captured."""
    return bool(message.get("bot_id") or message.get("bot_profile")) or (
        message.get("subtype") == "bot_message"
    )


def may_capture(channel: ChannelInfo) -> bool:
    """Public channels unless turned off; private ones only when a member turned capture on."""
    if channel.capture == "off":
        return False
    return channel.capture == "on" or not channel.is_private


async def _names_learning_channel(store: Store, client: AsyncWebClient, team_id: str,
                                  parsed: ParsedMessage) -> bool:  # fmt: skip
    for channel_id in parsed.unnamed_channels:
        info = await channel_info(store, client, team_id, channel_id)
        if (info.name or "").lower() in LEARNING_CHANNELS:
            return True
    return False


def learning_draft(channel: str, ts: str, text: str, url: str | None) -> ItemDraft:
    """The learning item of one message (or one /til)."""
    return ItemDraft(kind="learning", key=f"learning:{channel}:{ts}", url=url, text=readable(text))


def message_drafts(share: ShareInput, parsed: ParsedMessage, learning: bool) -> list[ItemDraft]:
    """A learning (if it is one) and one link item per link."""
    drafts = [
        ItemDraft(kind="link", key=f"link:{link.url}", url=link.url, title=link.title,
                  text=readable(share.text), description=link.description,
                  site_name=link.site_name)
        for link in parsed.links
    ]  # fmt: skip
    if learning:
        first_url = parsed.links[0].url if parsed.links else None
        drafts.insert(0, learning_draft(share.channel, share.ts, share.text, first_url))
    return drafts


async def excluded(
    store: Store, client: AsyncWebClient, team_id: str, channel_id: str,
    message: Mapping[str, Any], channel_type: str | None,
) -> tuple[str | None, ChannelInfo | None]:  # fmt: skip
    """Why a message must not be captured (None when it may be), and its channel."""
    if channel_type in DM_TYPES or channel_id[:1] == "D":
        return "direct message", None
    user = message.get("user")
    if not isinstance(user, str) or is_from_bot(message):
        return "bot", None
    if is_outsider(team_id, message):
        return "outsider", None
    channel = await channel_info(store, client, team_id, channel_id, channel_type)
    if channel.is_dm:
        return "direct message", None
    if not may_capture(channel):
        return "channel", channel
    if await store.opted_out(team_id, user):
        return "opted out", channel
    return None, channel


def fetch_time(config: Config) -> float | None:
    """When links captured now should be fetched (None: fetching is off)."""
    return time.time() + config.fetch_delay if config.fetch_links else None


async def capture_message(
    store: Store, client: AsyncWebClient, team_id: str, channel_id: str,
    message: Mapping[str, Any], channel_type: str | None = None, edited: bool = False,
    fetch_at: float | None = None,
) -> list[str]:  # fmt: skip
    """Store what a message shares; an edit replaces what it shared before."""
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    ts = str(message.get("ts", ""))
    parsed = parse_message(text or "", _attachments(message))
    if parsed.nda and edited:
        await store.remove_message(team_id, channel_id, ts)  # marked `!nda` afterwards
        return []
    reason, channel = await excluded(store, client, team_id, channel_id, message, channel_type)
    if reason is not None or parsed.nda:
        return []  # an opt-out or a setting changed later leaves what was stored before
    learning = parsed.learning or await _names_learning_channel(store, client, team_id, parsed)
    assert channel is not None
    share = _share(team_id, channel, message, text or "")
    drafts = message_drafts(share, parsed, learning)
    if not drafts and not edited:
        return []
    log.debug("capturing %d item(s) from %s/%s", len(drafts), channel_id, ts)
    return await store.save_message(share, drafts, fetch_at)


def _attachments(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    attachments = message.get("attachments")
    return (
        [a for a in attachments if isinstance(a, Mapping)] if isinstance(attachments, list) else []
    )


def _share(team_id: str, channel: ChannelInfo, message: Mapping[str, Any], text: str) -> ShareInput:
    ts = str(message.get("ts", ""))
    thread_ts = message.get("thread_ts")
    return ShareInput(
        team_id=team_id, channel=channel.id, ts=ts, user=message.get("user"), text=text,
        is_private=channel.is_private,
        thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts != ts else None,
    )  # fmt: skip
