"""One exported message through the capture rules: what it shares, or why it is skipped.

The rules are the live bot's (bot.capture_rules, bot.slacktext); only the way of knowing
things differs: the export's users.json says who is a bot or from another organisation, and
the store's settings, read once, say who opted out and where capture is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.capture_rules import (
    CAPTURED_SUBTYPES,
    author_exclusion,
    is_from_bot,
    message_drafts,
    names_learning_channel,
    parse,
    reaction_kind,
    share_of,
    text_of,
)
from bot.models import ChannelInfo, ItemDraft, ShareInput

# Reasons a message is skipped, as the summary names them.
BOT, OUTSIDER, NDA, OPTED_OUT = "bot", "outsider", "!nda", "opted out or forgotten"
NOT_A_MESSAGE = "not a message (joins, topic changes, …)"
NOTHING = "no link or learning"
MALFORMED_MESSAGE = "malformed message"


@dataclass(frozen=True)
class Rules:
    """What the capture rules need to know about the workspace, read once per import."""

    team_id: str  # the export's own workspace: anyone else is an outsider
    useful: frozenset[str]
    flag: frozenset[str]
    save: frozenset[str]
    opted_out: frozenset[str] = frozenset()
    bots: frozenset[str] = frozenset()
    outsiders: frozenset[str] = frozenset()
    org_teams: frozenset[str] = frozenset()  # other workspaces of our Enterprise Grid org
    people: frozenset[str] = frozenset()  # users.json's own people (empty: not known)
    channel_names: Mapping[str, str | None] = field(default_factory=dict)


@dataclass
class Kept:
    """What one message adds: shares (with their items) and the reactions on it."""

    shares: list[tuple[ShareInput, ItemDraft]] = field(default_factory=list)
    reactions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    replaced: bool = False  # edited: what it shared before and no longer does goes
    removed: bool = False  # deleted, or marked `!nda` in an edit: all it shared goes


def read_message(message: object, channel: ChannelInfo, rules: Rules) -> Kept | str:
    """What a message of a captured channel adds, or the reason it adds nothing."""
    if not isinstance(message, Mapping) or not isinstance(message.get("ts"), str):
        return MALFORMED_MESSAGE
    subtype = message.get("subtype")
    if subtype == "tombstone":  # a deleted thread parent that still has replies
        return Kept(removed=True)
    user = message.get("user")
    if is_from_bot(message) or user in rules.bots:
        return BOT
    if subtype not in CAPTURED_SUBTYPES:
        return NOT_A_MESSAGE
    author = author_exclusion(rules.team_id, message, rules.org_teams)
    if author is None and user in rules.outsiders:
        author = OUTSIDER
    if author is not None:
        return author
    if user in rules.opted_out:
        return OPTED_OUT
    text = message_text(message)
    parsed = parse(message, text)
    edited = isinstance(message.get("edited"), Mapping)
    if parsed.nda:
        return Kept(removed=True) if edited else NDA
    learning = parsed.learning or names_learning_channel(parsed, rules.channel_names)
    share = share_of(channel.team_id, channel, message, text)
    kept = Kept(shares=[(share, d) for d in message_drafts(share, parsed, learning)])
    kept.replaced = edited
    _reactions(message, share, rules, kept)
    if not kept.shares and not edited:
        return NOTHING
    return kept


def message_text(message: Mapping[str, Any]) -> str:
    """The words a person wrote. Old exports (before 2019) announce an upload with Slack's own
    text and a link to the file; the person's words are then the file's first comment."""
    old_file = message.get("file")
    if message.get("subtype") == "file_share" and isinstance(old_file, Mapping):
        comment = old_file.get("initial_comment")
        said = comment.get("comment") if isinstance(comment, Mapping) else None
        return said if isinstance(said, str) else ""
    return text_of(message)


def _reactions(message: Mapping[str, Any], share: ShareInput, rules: Rules, kept: Kept) -> None:
    """Useful, flag and save reactions, as if each had been added live; opted-out people's
    reactions are not kept. A bookmark is its reactor's vote on what the message shared; it
    never makes a learning (nor, from an export, a private bookmark)."""
    found = message.get("reactions")
    for reaction in found if isinstance(found, list) else []:
        if not isinstance(reaction, Mapping) or not isinstance(reaction.get("name"), str):
            continue
        kind = reaction_kind(reaction["name"], rules.useful, rules.flag, rules.save)
        users = reaction.get("users")
        if kind is None or not isinstance(users, list):
            continue
        base = reaction["name"].split("::", 1)[0]
        for user in users:
            if not isinstance(user, str) or user in rules.opted_out:
                continue
            kept.reactions.append((share.channel, share.ts, user, base, kind))
    if not kept.shares:
        kept.reactions.clear()  # a reaction on nothing captured is not worth keeping
