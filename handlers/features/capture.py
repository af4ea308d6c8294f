"""Capture rules of docs/interface.md: which messages are kept, and as which items.

Used by the message, app_mention and reaction listeners and by the save shortcut, so every
path into the store applies the same exclusions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import (
    CAPTURED_SUBTYPES,
    DM_TYPES,
    author_exclusion,
    forwarded_messages,
    forwarded_only,
    is_from_bot,
    learning_draft,
    may_capture,
    message_drafts,
    names_learning_channel,
    parse,
    share_of,
    text_of,
)
from bot.config import Config
from bot.models import ChannelInfo, ItemDraft
from bot.slacktext import ParsedMessage
from bot.store import Store
from handlers.features.interactions import note_seen
from handlers.features.lookup import channel_info, is_outsider_person

log = logging.getLogger(__name__)
__all__ = [
    "CAPTURED_SUBTYPES",
    "author_excluded",
    "capture_message",
    "excluded",
    "fetch_time",
    "is_from_bot",
    "learning_draft",
    "message_drafts",
]


async def _names_learning_channel(
    store: Store, client: AsyncWebClient, team_id: str, parsed: ParsedMessage
) -> bool:
    names: dict[str, str | None] = {}
    for channel_id in parsed.unnamed_channels:
        names[channel_id] = (await channel_info(store, client, team_id, channel_id)).name
        if names_learning_channel(parsed, names):
            return True
    return False


async def author_excluded(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    message: Mapping[str, Any],
    enterprise_id: str | None = None,
) -> str | None:
    """Why a message's author rules it out ("bot", "outsider"), or None. Every path that keeps
    what a person wrote (capture, question replies, saves, bookmarks) judges authors here."""
    author = author_exclusion(team_id, message)
    if author == "outsider" and enterprise_id:
        # Another workspace: in Enterprise Grid it may be of our own organisation.
        user_id = str(message["user"])
        if not await is_outsider_person(store, client, team_id, user_id, enterprise_id):
            return None
    return author


async def excluded(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    channel_type: str | None,
    enterprise_id: str | None = None,
    delivered: bool = False,
) -> tuple[str | None, ChannelInfo | None]:
    """Why a message must not be captured (None when it may be), and its channel; `delivered`:
    Slack delivered the message as an event, which it does only where the bot is a member."""
    if channel_type in DM_TYPES or channel_id[:1] == "D":
        return "direct message", None
    author = await author_excluded(store, client, team_id, message, enterprise_id)
    if author is not None:
        return author, None
    user = str(message["user"])
    channel = await channel_info(store, client, team_id, channel_id, channel_type, delivered)
    if channel.is_dm:
        return "direct message", None
    if not may_capture(channel):
        return "channel", channel
    if await store.opted_out(team_id, user):
        return "opted out", channel
    return None, channel


async def _forwarded(store: Store, team_id: str, message: Mapping[str, Any]) -> list[ItemDraft]:
    """The public items of the messages this one forwards: forwarding is sharing them again,
    here, with this channel's privacy; nothing private is made public this way."""
    found: list[ItemDraft] = []
    for channel, ts in forwarded_messages(team_id, message):
        found += await store.forwarded_items(team_id, channel, ts)
    return found


def fetch_time(config: Config) -> float | None:
    """When links captured now should be fetched (None: fetching is off)."""
    return time.time() + config.fetch_delay if config.fetch_links else None


async def capture_message(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    channel_type: str | None = None,
    edited: bool = False,
    fetch_at: float | None = None,
    enterprise_id: str | None = None,
    seen: bool = False,
) -> list[str]:
    """Store what a message shares; an edit replaces what it shared before. `seen`: a new
    message delivered as `message`, which also feeds activity and the interaction graph."""
    text = text_of(message)
    ts = str(message.get("ts", ""))
    parsed = parse(message, text)
    if parsed.nda and edited:
        await store.remove_message(team_id, channel_id, ts)  # marked `!nda` afterwards
        return []
    reason, channel = await excluded(
        store, client, team_id, channel_id, message, channel_type, enterprise_id, delivered=True
    )
    if seen:
        await note_seen(store, client, team_id, message, reason, channel, parsed, enterprise_id)
    if reason is not None or parsed.nda:
        return []  # an opt-out or a setting changed later leaves what was stored before
    learning = parsed.learning or await _names_learning_channel(store, client, team_id, parsed)
    assert channel is not None
    share = share_of(team_id, channel, message, text)
    drafts = message_drafts(share, parsed, learning)
    forwarded = forwarded_only(drafts, await _forwarded(store, team_id, message))
    ids: list[str] = []
    if forwarded or edited:
        # Kept apart (source "forward"): a forward's share lasts only while the item has a
        # share of its own, so an original deleted, marked `!nda` or forgotten takes it along.
        forward = replace(share, source="forward")
        ids += await store.save_message(forward, forwarded, fetch_at)
    if drafts or edited:
        log.debug("capturing %d item(s) from %s/%s", len(drafts), channel_id, ts)
        ids += await store.save_message(share, drafts, fetch_at)
    return ids
