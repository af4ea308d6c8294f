"""The interaction graph from live events: who reacted to, replied to or mentioned whom.

Only counts are kept (per pair, week, scope and kind). A message counts once, when it is first
seen: an edit adds nothing. Capture's judgements decide who and where: channels it captures
(a private one only with capture on, and then only for that channel), never bots, people of
other organisations (Grid colleagues are ours), people who opted out on either side, direct
messages or `!nda` messages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import (
    SLACKBOT,
    author_team,
    interaction_targets,
    is_from_bot,
    may_capture,
    parse,
    text_of,
    thread_parent,
)
from bot.models import ChannelInfo
from bot.slacktext import ParsedMessage
from bot.store import Interaction, InteractionKind, Store, week_of
from handlers.features.lookup import channel_info, is_outsider_person

log = logging.getLogger(__name__)
THREAD_PAGES = 5  # a reply back reads at most this many pages of its thread


async def counts_person(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    user_id: object,
    enterprise_id: str | None = None,
) -> bool:
    """Whether a person may be on either side of a count: one of us (not a Slack Connect
    outsider), not a bot, and not opted out."""
    if not isinstance(user_id, str) or not user_id or user_id == SLACKBOT:
        return False
    if await store.opted_out(team_id, user_id):
        return False
    if await is_outsider_person(store, client, team_id, user_id, enterprise_id):
        return False
    # Whoever Slack described (users.info) is stored; one known only from their own message
    # (below) is a person, since bots' messages never get that far.
    person = await store.user(team_id, user_id)
    return person is None or not person.is_bot


def _seconds(ts: object, fallback: float) -> float:
    try:
        return float(str(ts))
    except ValueError:
        return fallback


async def note_seen(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    message: Mapping[str, Any],
    reason: str | None,
    channel: ChannelInfo | None,
    parsed: ParsedMessage,
    enterprise_id: str | None = None,
) -> None:
    """A new message in a channel: its author is active, and it counts towards the people it
    replies to or mentions. `reason` and `channel` are capture's verdict on it."""
    if channel is None or channel.is_dm:
        return
    if reason in (None, "channel") and author_team(message) == team_id:
        # The message says its author is of this workspace: reactions to them and mentions
        # of them need not ask Slack who they are.
        store.remember_outsider(team_id, str(message["user"]), False)
    ts = str(message.get("ts", ""))
    if parsed.nda:
        store.remember_nda(team_id, channel.id, ts)
    if reason == "channel":  # not captured here: activity only, from one of us
        user = str(message["user"])
        if not await store.opted_out(team_id, user):
            await store.record_interactions(team_id, [], [user])
        return
    if reason is not None:
        return
    author = str(message["user"])
    counts = (
        []
        if parsed.nda
        else await _message_counts(store, client, team_id, channel, message, enterprise_id)
    )
    await store.record_interactions(team_id, counts, [author])


async def _message_counts(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: ChannelInfo,
    message: Mapping[str, Any],
    enterprise_id: str | None = None,
) -> list[Interaction]:
    author, ts = str(message["user"]), str(message.get("ts", ""))
    targets = interaction_targets(message, text_of(message))
    thread_ts = str(message.get("thread_ts") or "")
    if thread_ts and thread_ts != ts:
        if store.is_nda(team_id, channel.id, thread_ts):
            return []  # nothing under an `!nda` message counts, not even its mentions
        elif thread_parent(message) == author:
            answered = await _answered(client, channel.id, thread_ts, ts, author)
            targets += [(person, "reply") for person in answered]
    week = week_of(_seconds(ts, time.time()))
    scope = channel.id if channel.is_private else ""
    counts: dict[tuple[str, str], Interaction] = {}
    for target, kind in targets:
        if (target, kind) in counts or target == author:
            continue
        if await counts_person(store, client, team_id, target, enterprise_id):
            counts[(target, kind)] = Interaction(week, scope, author, target, _kind(kind))
    return list(counts.values())


def _kind(kind: str) -> InteractionKind:
    return "reply" if kind == "reply" else "mention"


async def _answered(
    client: AsyncWebClient, channel: str, thread_ts: str, ts: str, author: str
) -> list[str]:
    """Whom a thread's starter answers with a reply of their own: the people who replied
    since the starter last spoke there (or since the thread began). Slack's message carries
    no such list, and nothing about threads is stored, so the thread is read once."""
    replies: list[Mapping[str, Any]] = []
    cursor: str | None = None
    try:
        for _ in range(THREAD_PAGES):
            page = await client.conversations_replies(
                channel=channel, ts=thread_ts, latest=ts, inclusive=False, limit=200, cursor=cursor
            )
            replies += page.get("messages") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as exc:
        log.warning("conversations.replies failed: %s", exc.response.get("error"))
        return []
    since: list[str] = []
    limit = _seconds(ts, 0.0)
    for reply in sorted(replies, key=lambda m: _seconds(m.get("ts"), 0.0)):
        user = reply.get("user")
        if reply.get("ts") == thread_ts or _seconds(reply.get("ts"), limit) >= limit:
            continue
        if user == author:
            since = []
        elif (
            isinstance(user, str)
            and not is_from_bot(reply)
            and not parse(reply, text_of(reply)).nda
        ):
            since.append(user)
    return list(dict.fromkeys(since))


async def record_reaction(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    event: Mapping[str, Any],
    enterprise_id: str | None = None,
) -> None:
    """A reaction added (any emoji): the reactor is active, and it counts towards the author
    of the message (`item_user`). A reaction taken back is not subtracted: the graph counts
    interactions seen, and a removal may fall in another week than the reaction it undoes."""
    item, user = event.get("item"), event.get("user")
    if not isinstance(item, Mapping) or item.get("type") != "message":
        return
    channel_id, ts = str(item.get("channel", "")), str(item.get("ts", ""))
    if channel_id[:1] in ("", "D"):
        return
    if not await counts_person(store, client, team_id, user, enterprise_id):
        return
    assert isinstance(user, str)
    channel = await channel_info(store, client, team_id, channel_id)
    if channel.is_dm:
        return
    counts: list[Interaction] = []
    target = event.get("item_user")
    if (
        may_capture(channel)
        and target != user
        and not store.is_nda(team_id, channel_id, ts)
        and await counts_person(store, client, team_id, target, enterprise_id)
    ):
        week = week_of(_seconds(event.get("event_ts"), time.time()))
        scope = channel_id if channel.is_private else ""
        counts.append(Interaction(week, scope, user, str(target), "reaction"))
    await store.record_interactions(team_id, counts, [user])
