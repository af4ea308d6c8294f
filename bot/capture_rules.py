"""The capture rules of docs/interface.md as pure functions, shared by the live bot and the import.

Nothing here talks to Slack or to the store: callers look up channels and opt-outs their own
way (the bot asks the store and Slack, the import reads the export) and pass the answers in,
so both paths keep exactly the same messages, as the same items.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from bot.models import ChannelInfo, ItemDraft, ReactionKind, ShareInput
from bot.slacktext import (
    LEARNING_CHANNELS,
    ParsedMessage,
    is_message_share,
    mentioned_users,
    parse_message,
    readable,
    rich_text_markup,
)
from bot.urls import link_key

DM_TYPES = ("im", "mpim")
CAPTURED_SUBTYPES = (None, "thread_broadcast", "file_share", "me_message")


def author_team(message: Mapping[str, Any]) -> str | None:
    """The workspace of a message's author, as far as the message says: `user_team` on older
    payloads, only `team` on new messages, and only `files[].user_team` on some file shares."""
    for key in ("user_team", "team"):
        if isinstance(message.get(key), str) and message[key]:
            return str(message[key])
    files = message.get("files")
    for file in files if isinstance(files, list) else []:
        if (
            isinstance(file, Mapping)
            and isinstance(file.get("user_team"), str)
            and file["user_team"]
        ):
            return str(file["user_team"])
    return None


def is_outsider(team_id: str, message: Mapping[str, Any], org_teams: Collection[str] = ()) -> bool:
    """A person from another organisation (Slack Connect) wrote this message; `org_teams`
    are the other workspaces of our Enterprise Grid organisation, whose people are ours."""
    team = author_team(message)
    return team is not None and team != team_id and team not in org_teams


def person_enterprise(person: Mapping[str, Any]) -> str | None:
    """The Enterprise Grid organisation of a users.info (or users.json) person, if any."""
    grid = person.get("enterprise_user")
    found = grid.get("enterprise_id") if isinstance(grid, Mapping) else None
    found = found or person.get("enterprise_id")
    return str(found) if isinstance(found, str) and found else None


def person_is_outsider(
    team_id: str, person: Mapping[str, Any], enterprise_id: str | None = None
) -> bool:
    """Whether a users.info (or users.json) person belongs to another organisation: a Slack
    Connect stranger, or a person of another workspace that is not of our Enterprise Grid
    organisation (`enterprise_id`). One whose team is not said counts as an outsider: a
    vote or a share from someone we cannot place is not taken."""
    if person.get("is_stranger"):
        return True
    team = person.get("team_id") or person.get("team")
    if isinstance(team, str) and team == team_id:
        return False
    return not (enterprise_id and person_enterprise(person) == enterprise_id)


SLACKBOT = "USLACKBOT"  # the user id of Slackbot's own messages and system notices


def is_from_bot(message: Mapping[str, Any]) -> bool:
    """Bots' messages, the bot's own included, are never captured. Slackbot's (reminders,
    its custom responses) carry no bot_id in Slack: only its user id, USLACKBOT, says so."""
    return (
        bool(message.get("bot_id") or message.get("bot_profile"))
        or message.get("subtype") == "bot_message"
        or message.get("user") == SLACKBOT
    )


def author_exclusion(
    team_id: str, message: Mapping[str, Any], org_teams: Collection[str] = ()
) -> str | None:
    """Why a message's author rules it out ("bot", "outsider"), from the message alone."""
    if not isinstance(message.get("user"), str) or is_from_bot(message):
        return "bot"
    if is_outsider(team_id, message, org_teams):
        return "outsider"
    return None


def may_capture(channel: ChannelInfo) -> bool:
    """Public channels unless turned off; private ones only when a member turned capture on."""
    if channel.capture == "off":
        return False
    return channel.capture == "on" or not channel.is_private


def names_learning_channel(parsed: ParsedMessage, names: Mapping[str, str | None]) -> bool:
    """Whether a bare `<#C…|>` reference in the message names #til or #learned."""
    return any((names.get(c) or "").lower() in LEARNING_CHANNELS for c in parsed.unnamed_channels)


def learning_draft(channel: str, ts: str, text: str, url: str | None) -> ItemDraft:
    """The learning item of one message (or one /til)."""
    return ItemDraft(kind="learning", key=f"learning:{channel}:{ts}", url=url, text=readable(text))


def message_drafts(share: ShareInput, parsed: ParsedMessage, learning: bool) -> list[ItemDraft]:
    """A learning is one item, carrying its first link; any other message, one link item per
    link. A learning and its links would be one story told twice (search, Home, digests)."""
    if learning:
        first_url = parsed.links[0].url if parsed.links else None
        return [learning_draft(share.channel, share.ts, share.text, first_url)]
    text = readable(share.text) if parsed.links else ""
    return [
        ItemDraft(
            kind="link",
            key=link_key(link.url),
            url=link.url,
            title=link.title,
            text=text,
            description=link.description,
            site_name=link.site_name,
        )
        for link in parsed.links
    ]


def attachments_of(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A message's attachments (Slack's unfurls among them), ignoring malformed entries."""
    attachments = message.get("attachments")
    return (
        [a for a in attachments if isinstance(a, Mapping)] if isinstance(attachments, list) else []
    )


def forwarded_messages(team_id: str, message: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (channel, ts) of the messages this one shares: Slack's copy of a forwarded message
    (`is_share`) or its unfurl of a pasted permalink (`is_msg_unfurl`), both naming the
    original's `channel_id` and `ts`; one from another organisation's workspace
    (`channel_team`) is none of ours."""
    found: list[tuple[str, str]] = []
    for att in attachments_of(message):
        if not is_message_share(att) or att.get("channel_team") not in (None, team_id):
            continue
        channel, ts = att.get("channel_id"), att.get("ts")
        if isinstance(channel, str) and isinstance(ts, str) and (channel, ts) not in found:
            found.append((channel, ts))
    return found


def forwarded_only(drafts: Iterable[ItemDraft], forwarded: Iterable[ItemDraft]) -> list[ItemDraft]:
    """The forwarded items a message does not already share itself, each once."""
    kept = {d.key: d for d in forwarded}
    for draft in drafts:
        kept.pop(draft.key, None)
    return list(kept.values())


def blocks_of(message: Mapping[str, Any]) -> list[object]:
    """A message's blocks (a list), or none when they are malformed."""
    blocks = message.get("blocks")
    return blocks if isinstance(blocks, list) else []


def text_of(message: Mapping[str, Any]) -> str:
    """A message's text in Slack markup; one posted with blocks alone and an empty `text` (the
    API, workflows) says it in its rich_text blocks, so its links, TIL and `!nda` still count."""
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return text
    return rich_text_markup(blocks_of(message))


def parse(message: Mapping[str, Any], text: str) -> ParsedMessage:
    """Links, learning and `!nda` of a message: its text, rich_text blocks and unfurls."""
    return parse_message(text, attachments_of(message), blocks_of(message))


def share_of(
    team_id: str, channel: ChannelInfo, message: Mapping[str, Any], text: str
) -> ShareInput:
    """The share one captured message makes (a thread reply keeps its thread)."""
    ts = str(message.get("ts", ""))
    thread_ts = message.get("thread_ts")
    return ShareInput(
        team_id=team_id,
        channel=channel.id,
        ts=ts,
        user=message.get("user"),
        text=text,
        is_private=channel.is_private,
        thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts != ts else None,
    )


def thread_parent(message: Mapping[str, Any]) -> str | None:
    """The author of the message a thread reply answers: `parent_user_id` on a reply, or the
    `root` message's user on a reply also sent to the channel; None for any other message."""
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    if not isinstance(thread_ts, str) or thread_ts == ts:
        return None
    parent = message.get("parent_user_id")
    root = message.get("root")
    if not isinstance(parent, str) and isinstance(root, Mapping):
        parent = root.get("user")
    return parent if isinstance(parent, str) and parent else None


def interaction_targets(message: Mapping[str, Any], text: str) -> list[tuple[str, str]]:
    """Whom a message interacts with, before anyone is checked: the thread parent's author
    ("reply") and each person it mentions ("mention"), each once; never its own author."""
    author = message.get("user")
    found: list[tuple[str, str]] = []
    parent = thread_parent(message)
    if parent is not None:
        found.append((parent, "reply"))
    found += [(user, "mention") for user in mentioned_users(text)]
    return [(target, kind) for target, kind in found if target != author]


def reaction_kind(
    emoji: str, useful: Iterable[str], flag: Iterable[str], save: Iterable[str]
) -> ReactionKind | None:
    """What a reaction means; skin tones count as their base emoji."""
    base = emoji.split("::", 1)[0]
    if base in useful:
        return "useful"
    if base in flag:
        return "flag"
    if base in save:
        return "save"
    return None
