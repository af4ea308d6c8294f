"""Keeping a message: privately with the bookmark reaction, or as a learning with the message
shortcut (at once for your own message; for someone else's, once its author agrees)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import parse, text_of
from bot.models import ShareInput
from bot.slacktext import escape, readable
from bot.store import Bookmark, Store
from handlers.blocks.save import build_save_request, parse_request, request_value
from handlers.features.capture import excluded, learning_draft
from handlers.features.lookup import person_name

log = logging.getLogger(__name__)
SAVED = "Saved to Serendip as a learning."
ALREADY_YOURS = (
    "Already in Serendip: it was captured when you posted it, so it stays one item, now marked"
    " as saved."
)
ALREADY = (
    "Already in Serendip: it was captured when it was posted, so it stays one item; your save"
    " counts as your useful vote."
)
CANNOT_SAVE = (
    "This message can't be saved: its channel, its author or its `!nda` mark keeps it out."
)


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


async def keepable(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    message: Mapping[str, Any],
    enterprise_id: str | None = None,
) -> bool:
    """Whether the capture rules let Serendip keep this message at all (`!nda` included)."""
    reason, info = await excluded(store, client, team_id, channel, message, None, enterprise_id)
    return reason is None and info is not None and not parse(message, text_of(message)).nda


async def stored_or_fetched(
    store: Store, client: AsyncWebClient, team_id: str, channel: str, ts: str
) -> dict[str, Any] | None:
    """A message as captured already, else as Slack has it."""
    shares = await store.shares_at(team_id, channel, ts)
    return _as_message(shares[0], ts) if shares else await fetch_message(client, channel, ts)


async def bookmark_message(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    ts: str,
    user: str,
    enterprise_id: str | None = None,
) -> bool:
    """Keep a message privately for the person who bookmarked it (never a learning)."""
    message = await stored_or_fetched(store, client, team_id, channel, ts)
    if not message or not await keepable(store, client, team_id, channel, message, enterprise_id):
        return False
    try:
        link = (await client.chat_getPermalink(channel=channel, message_ts=ts)).get("permalink")
    except SlackApiError:
        link = None
    author = message.get("user")
    mark = Bookmark(
        channel,
        ts,
        author if isinstance(author, str) else None,
        text_of(message),
        link if isinstance(link, str) else None,
    )
    await store.add_bookmark(team_id, user, mark)
    return True


async def ask_author(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    ts: str,
    saver: str,
    message: Mapping[str, Any],
    enterprise_id: str | None = None,
) -> str:
    """Ask the author, in a DM, whether their message may be kept; what to tell the saver."""
    author = str(message.get("user") or "")
    if not author or not await keepable(store, client, team_id, channel, message, enterprise_id):
        return CANNOT_SAVE
    saver_name = await person_name(store, client, team_id, saver)
    seal = _seal(client, team_id, author, channel, ts, saver)
    request = build_save_request(
        saver_name, readable(text_of(message)), request_value(channel, ts, saver, seal)
    )
    try:
        await client.chat_postMessage(channel=author, **request)
    except SlackApiError as exc:
        log.warning(
            "could not ask %s about %s/%s: %s", author, channel, ts, exc.response.get("error")
        )
        return "I could not reach the author to ask them, so nothing was saved."
    name = await person_name(store, client, team_id, author)
    return (
        f"I asked {escape(name)} whether their message may be kept as a learning for the team; "
        "I will tell you what they decide. Nothing is saved until they agree."
    )


async def answer_request(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    author: str,
    value: str,
    agreed: bool,
    enterprise_id: str | None = None,
) -> str:
    """The author's answer: Share it saves the learning credited to them (the saver's vote
    included), No thanks keeps nothing; the saver is told either way. What the author sees."""
    request = parse_request(value)
    if request is None or not hmac.compare_digest(
        request[3], _seal(client, team_id, author, *request[:3])
    ):
        return "That request is no longer valid."
    channel, ts, saver, _ = request
    name = await person_name(store, client, team_id, author)
    if not agreed:
        await _tell(
            client,
            saver,
            f"{escape(name)} prefers not to keep that message as a learning, so nothing was "
            "saved. No need to do anything.",
        )
        return "OK, nothing was kept. Thanks for letting me know."
    message = await stored_or_fetched(store, client, team_id, channel, ts)
    if not message or message.get("user") != author:
        return "I could not find that message any more, so nothing was saved."
    item = await save_message_as_learning(
        store,
        client,
        team_id,
        channel,
        ts,
        saver=saver,
        message=message,
        saver_votes=True,
        enterprise_id=enterprise_id,
    )
    if item is None:
        return "That message can no longer be kept (its channel or an `!nda` mark keeps it out)."
    await _tell(
        client, saver, f"{escape(name)} agreed: their message is saved as a learning for the team."
    )
    return "Thanks: your message is saved as a learning for the team, credited to you."


def _seal(
    client: AsyncWebClient, team_id: str, author: str, channel: str, ts: str, saver: str
) -> str:
    """A MAC over one request, keyed by the bot's token: the buttons travel through Slack, and
    a forged value must not credit a vote to someone who never saved the message."""
    key = (client.token or "").encode()
    facts = "|".join((team_id, author, channel, ts, saver)).encode()
    return hmac.new(key, facts, hashlib.sha256).hexdigest()[:32]


async def _tell(client: AsyncWebClient, user: str, text: str) -> None:
    try:
        await client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.warning("could not tell %s: %s", user, exc.response.get("error"))


async def save_message_as_learning(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    ts: str,
    saver: str,
    message: Mapping[str, Any] | None = None,
    saver_votes: bool = False,
    enterprise_id: str | None = None,
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
    reason, info = await excluded(store, client, team_id, channel, message, None, enterprise_id)
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
