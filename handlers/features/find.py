"""Finding what the team knows: one page of /find results, for the command and "more"."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slacktext import readable
from bot.store import Hit, Store, personal_channel
from bot.topics import STOPWORDS
from handlers.blocks.find import (
    PAGE,
    Shown,
    build_find_results,
    build_no_results,
    build_vague_query,
    hit_blocks,
    saved_blocks,
)
from handlers.features.lookup import (
    channel_info,
    command_channel_type,
    command_in_dm,
    private_channels_of,
)

PHRASE = re.compile(r'"[^"]*\w[^"]*"')
WORD = re.compile(r"\w+")
OPERATORS = frozenset({"and", "or", "not", "near"})  # what search boxes read as syntax
# Short words that say nothing of a subject; STOPWORDS leaves them out, being too short for
# topics. Other short words (`ai`, `go`, `ux`) are subjects and are searched.
SHORT_COMMON = frozenset(
    [
        "a",
        "an",
        "i",
        "of",
        "to",
        "in",
        "on",
        "at",
        "is",
        "it",
        "be",
        "by",
        "as",
        "if",
        "so",
        "do",
        "we",
        "me",
        "my",
        "no",
        "up",
        "us",
        "he",
        "am",
        "or",
    ]
)


async def in_public_channel(
    store: Store, client: AsyncWebClient, team_id: str, command: dict[str, Any]
) -> bool:
    """Whether a slash command was run in a public channel. Slack names every private channel
    `privategroup` and DMs `directmessage` or `mpdm-…`; otherwise the channel's stored (or,
    when new, Slack's) privacy decides, and a channel Slack will not describe counts as private."""
    channel_id = str(command.get("channel_id") or "")
    if not channel_id or command_in_dm(command) or command_channel_type(command) is not None:
        return False
    channel = await channel_info(store, client, team_id, channel_id)
    return not channel.is_private and not channel.is_dm


async def first_page(
    store: Store, client: AsyncWebClient, command: dict[str, Any], may_keep_gap: bool
) -> dict[str, Any]:
    """/find's first page. Finding nothing records a knowledge gap only for a search made in a
    public channel: words searched in a private channel or a DM must not reach the workspace's
    figures (stats, report, pulse)."""
    team_id, user_id = str(command.get("team_id")), str(command.get("user_id"))
    query = str(command.get("text") or "").strip()
    if (operators_only := vague(query)) is not None:
        return build_vague_query(query, operators_only)  # searched for nothing: no gap either
    gap = may_keep_gap and await in_public_channel(store, client, team_id, command)
    return await find_page(store, client, team_id, user_id, query, 0, gap=gap)


def vague(query: str) -> bool | None:
    """Whether a query names nothing: None when it has a word worth searching for (or a quoted
    phrase); else True when its words are only search operators, False when only common words."""
    if PHRASE.search(query):
        return None
    words = WORD.findall(query.lower())
    if not words or all(w in OPERATORS for w in words):
        return True
    common = all(w in OPERATORS or w in STOPWORDS or w in SHORT_COMMON for w in words)
    return False if common else None


async def find_page(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    user_id: str,
    query: str,
    offset: int,
    gap: bool = False,
) -> dict[str, Any]:
    """The results page at `offset` for a person; with `gap`, finding nothing on the first page
    records a knowledge gap (the words, never who searched)."""
    # Their private channels, and their own personal notes (DM /tils not shared yet).
    private = [*await private_channels_of(client, user_id), personal_channel(user_id)]
    hits = await store.search(team_id, query, private)
    saved = await _saved(store, team_id, user_id, query) if offset == 0 else []
    if not hits:
        noted = gap and offset == 0
        if noted:
            await store.record_gap(team_id, query)
        page = build_no_results(query, noted)
        page["blocks"] += saved
        return page
    offset = min(offset, (len(hits) - 1) // PAGE * PAGE)
    shown = await show(store, client, team_id, hits[offset : offset + PAGE])
    page = build_find_results(query, shown, offset, len(hits))
    page["blocks"] += saved
    return page


async def _saved(store: Store, team_id: str, user_id: str, query: str) -> list[dict[str, Any]]:
    """Their own bookmarks that match, as blocks (on the first page only)."""
    marks = await store.find_bookmarks(team_id, user_id, query)
    return saved_blocks([(readable(m.text), m.link) for m in marks])


async def show(store: Store, client: AsyncWebClient, team_id: str, hits: list[Hit]) -> list[Shown]:
    """Hits with the names and permalinks a result shows."""
    names = await store.names_of(team_id, [h.user for h in hits] + [h.answerer for h in hits])
    links = await asyncio.gather(*(permalink(client, h) for h in hits))
    return [
        Shown(h, names.get(h.user or ""), names.get(h.answerer or ""), link)
        for h, link in zip(hits, links, strict=True)
    ]


async def result_blocks(
    store: Store, client: AsyncWebClient, team_id: str, hits: list[Hit]
) -> list[dict[str, Any]]:
    """Hits as Block Kit (a section and a context each), as /ask's suggestions show them."""
    return [block for one in await show(store, client, team_id, hits) for block in hit_blocks(one)]


async def permalink(client: AsyncWebClient, hit: Hit) -> str | None:
    """A link to the message that shared the item (none for a /til sent in a DM)."""
    if not hit.channel:
        return None
    try:
        answer = await client.chat_getPermalink(channel=hit.channel, message_ts=hit.ts)
    except SlackApiError:
        return None
    link = answer.get("permalink")
    return str(link) if link else None
