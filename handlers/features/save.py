"""Saving someone's message as a learning (the bookmark reaction and the message shortcut)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import parse, text_of
from bot.models import ShareInput
from bot.store import Store
from handlers.features.capture import excluded, learning_draft

log = logging.getLogger(__name__)


async def fetch_message(client: AsyncWebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """One message by its ts: from the channel's history, else from its thread."""
    try:
        page = await client.conversations_history(
            channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
        )
        found = _with_ts(page.get("messages"), ts)
        if found is None:
            # Not top-level: a thread reply, which conversations.replies finds by its own ts.
            page = await client.conversations_replies(channel=channel, ts=ts, limit=200)
            found = _with_ts(page.get("messages"), ts)
        return found
    except SlackApiError as exc:
        log.warning("could not fetch %s/%s: %s", channel, ts, exc.response.get("error"))
        return None


def _with_ts(messages: object, ts: str) -> dict[str, Any] | None:
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict) and message.get("ts") == ts:
            return dict(message)
    return None


def _as_message(share: dict[str, Any], ts: str) -> dict[str, Any]:
    """A stored share, shaped like the Slack message it came from."""
    return {"ts": ts, "user": share["user"], "text": share["text"], "thread_ts": share["thread_ts"]}


async def save_message_as_learning(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    ts: str,
    saver: str,
    message: Mapping[str, Any] | None = None,
    saver_votes: bool = False,
) -> str | None:
    """Save a message as a learning credited to its author; None when it may not be kept."""
    if message is None:
        shares = await store.shares_at(team_id, channel, ts)
        if any(share["source"] == "save" for share in shares):
            return None  # saved before: the reaction alone re-derives the saver's vote
        # Captured already: its text is here. Otherwise ask Slack for that one message.
        message = _as_message(shares[0], ts) if shares else await fetch_message(client, channel, ts)
    if not message:
        return None
    reason, info = await excluded(store, client, team_id, channel, message, None)
    text = text_of(message)
    parsed = parse(message, text)
    if reason is not None or info is None or parsed.nda:
        log.info("not saving %s/%s: %s", channel, ts, reason or "!nda")
        return None
    links = parsed.links
    thread_ts = message.get("thread_ts")
    share = ShareInput(
        team_id=team_id,
        channel=channel,
        ts=ts,
        user=message.get("user"),
        text=text,
        is_private=info.is_private,
        source="save",
        saved_by=saver,
        thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts != ts else None,
    )
    draft = learning_draft(channel, ts, text, links[0].url if links else None)
    return await store.save_learning(share, draft, saver if saver_votes else None)
