"""An @mention of the bot: its words searched as `/find` would, within what everybody in that
channel may see, answered in the thread; no words, a short help."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import is_from_bot, parse, text_of
from bot.slacktext import readable
from bot.store import Store
from handlers.blocks.welcome import build_mention_answer, build_mention_help
from handlers.features.find import result_blocks
from handlers.features.lookup import channel_info

log = logging.getLogger(__name__)
MATCHES = 3
PERSON = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def mention_words(text: str) -> str:
    """What a mention asks about: its text as read, without the people it mentions."""
    return " ".join(readable(PERSON.sub(" ", text)).split())


async def answer_mention(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    event: dict[str, Any],
    shared: bool = False,
) -> None:
    """Reply in the mention's thread: up to three matches and **Ask the team**, or the help;
    `shared`: a Slack Connect channel (the envelope's `is_ext_shared_channel`)."""
    text = text_of(event)
    parsed = parse(event, text)
    if is_from_bot(event) or parsed.links or parsed.learning or parsed.nda:
        return  # a share (captured as such), a private word, or a bot: not a question to us
    words = mention_words(text)
    if any(c.isalnum() for c in words):
        found = await _matches(store, client, team_id, channel, words, shared)
        message = build_mention_answer(words, found)
    else:
        message = build_mention_help()
    thread = event.get("thread_ts") or event.get("ts")
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread, **message)
    except SlackApiError as exc:
        log.warning("mention answer in %s failed: %s", channel, exc.response.get("error"))


async def _matches(
    store: Store, client: AsyncWebClient, team_id: str, channel: str, words: str, shared: bool
) -> list[dict[str, Any]]:
    """Results everybody in the channel may see: public items, and in a private channel that
    channel's own; never another private channel's, a personal note or a bookmark. People of
    another organisation in a Slack Connect channel see only what was shared in it."""
    info = await channel_info(store, client, team_id, channel)
    scope = [channel] if info.is_private and not info.is_dm else []
    hits = await store.search(team_id, words, scope)
    if shared:
        hits = [hit for hit in hits if hit.channel == channel]
    return await result_blocks(store, client, team_id, hits[:MATCHES])
