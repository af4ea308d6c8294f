"""`reaction_added` and `reaction_removed`: the interaction graph, votes, flags and bookmarks."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import reaction_kind as emoji_kind
from bot.config import Config
from bot.models import ReactionKind
from bot.store import Store
from handlers.features.ask import answer_reaction
from handlers.features.interactions import record_reaction
from handlers.features.lookup import is_outsider_person
from handlers.features.save import bookmark_message


def reaction_kind(config: Config, emoji: str) -> ReactionKind | None:
    """What a reaction means; skin tones count as their base emoji."""
    return emoji_kind(emoji, config.useful_emoji, config.flag_emoji, config.save_emoji)


async def _apply(
    event: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    team_id: str,
    present: bool,
    enterprise_id: str | None = None,
) -> None:
    item, user = event.get("item") or {}, event.get("user")
    emoji = str(event.get("reaction", "")).split("::", 1)[0]
    if emoji in config.answer_emoji and item.get("type") == "message" and isinstance(user, str):
        await answer_reaction(
            store,
            client,
            config,
            team_id,
            str(item.get("channel", "")),
            str(item.get("ts", "")),
            user,
            present,
        )
    kind = reaction_kind(config, str(event.get("reaction", "")))
    if kind is None or item.get("type") != "message" or not isinstance(user, str):
        return
    channel, ts = str(item.get("channel", "")), str(item.get("ts", ""))
    if present and await store.opted_out(team_id, user):
        return
    # Reaction events carry no team: in a shared channel, a stranger's vote or flag must not
    # count, feed trust, or make them a recipient.
    if await is_outsider_person(store, client, team_id, user, enterprise_id):
        return
    if kind == "save":
        # A bookmark keeps the message for this person alone; on what the message already
        # shared, it is their useful vote (below). It never makes a learning.
        if present:
            await bookmark_message(store, client, team_id, channel, ts, user, enterprise_id)
        else:
            await store.remove_bookmark(team_id, user, channel, ts)
    await store.set_reaction(team_id, channel, ts, user, emoji, kind, present)


async def handle_reaction_added(
    event: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
) -> None:
    """Any reaction counts in the interaction graph; a useful one votes, a flag flags, a
    bookmark keeps the message for the reactor (and votes), and the asker's answer emoji marks
    a best answer."""
    team_id, enterprise_id = context["team_id"], context.get("enterprise_id")
    await _apply(event, store, client, config, team_id, True, enterprise_id)
    await record_reaction(store, client, team_id, event, enterprise_id)


async def handle_reaction_removed(
    event: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
) -> None:
    """Taking a reaction back takes back its vote, flag or bookmark."""
    await _apply(
        event, store, client, config, context["team_id"], False, context.get("enterprise_id")
    )
