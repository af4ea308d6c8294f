"""Stored messages, inner events and the Events API envelope."""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from .objects import Identity, bot_profile
from .types import JSON
from .util import new_id, rich_text_blocks
from .workspace import Channel, User

STATE_KEYS = ("reactions", "reply_count", "reply_users_count", "latest_reply", "reply_users")


def _thread_fields(
    msg: JSON, thread_ts: str | None, parent_user: str | None, broadcast: bool
) -> None:
    """Add thread_ts and parent_user_id (or the broadcast subtype) to a message."""
    if thread_ts is None:
        return
    msg["thread_ts"] = thread_ts
    if broadcast:
        msg["subtype"] = "thread_broadcast"
    elif parent_user is not None:
        msg["parent_user_id"] = parent_user


def person_message(user: User, text: str, ts: str, **opts: Any) -> JSON:
    """The stored form of a message a person typed (opts: thread_ts, parent_user, ...)."""
    msg: JSON = {"type": "message", "text": text, "user": user.id, "ts": ts}
    if user.is_bot:
        msg["bot_id"] = "B" + user.id[1:]
    else:
        msg["client_msg_id"] = str(uuid.uuid4())
    blocks = opts.get("blocks")
    msg["blocks"] = copy.deepcopy(blocks) if blocks is not None else rich_text_blocks(text)
    # New messages carry only `team`, the author's workspace (older ones also had user_team
    # and source_team); in a Slack Connect channel it is the other organisation's.
    msg["team"] = user.team_id
    if opts.get("subtype") == "bot_message":
        msg.update(username=user.name, bot_id="B" + user.id[1:])
        msg.pop("user")
    if opts.get("subtype"):
        msg["subtype"] = opts["subtype"]
    if opts.get("attachments"):
        msg["attachments"] = copy.deepcopy(opts["attachments"])
    broadcast = bool(opts.get("reply_broadcast"))
    _thread_fields(msg, opts.get("thread_ts"), opts.get("parent_user"), broadcast)
    return msg


def bot_message(ident: Identity, text: str, ts: str, **opts: Any) -> JSON:
    """The stored form of a message the bot posted with its token."""
    msg: JSON = {
        "user": ident.bot_user_id,
        "type": "message",
        "ts": ts,
        "bot_id": ident.bot_id,
        "app_id": ident.app_id,
        "text": text,
        "team": ident.team_id,
        "bot_profile": bot_profile(ident),
    }
    for key in ("blocks", "attachments", "metadata"):
        if opts.get(key):
            msg[key] = copy.deepcopy(opts[key])
    _thread_fields(msg, opts.get("thread_ts"), opts.get("parent_user"), bool(opts.get("broadcast")))
    return msg


def join_message(user: User, ts: str, inviter: str | None) -> JSON:
    """The channel_join message Slack posts when someone joins."""
    msg: JSON = {
        "type": "message",
        "subtype": "channel_join",
        "ts": ts,
        "user": user.id,
        "text": f"<@{user.id}> has joined the channel",
        "team": user.team_id,
    }
    if inviter:
        msg["inviter"] = inviter
    return msg


def slackbot_message(text: str, ts: str, team_id: str) -> JSON:
    """A Slackbot system notice as Slack writes it: USLACKBOT, no subtype nor client_msg_id."""
    return {"type": "message", "user": "USLACKBOT", "text": text, "ts": ts, "team": team_id}


def tombstone(original: JSON) -> JSON:
    """What a deleted thread parent with replies becomes."""
    keep = {k: original[k] for k in ("ts", "thread_ts", *STATE_KEYS[1:]) if k in original}
    return {
        "type": "message",
        "subtype": "tombstone",
        "text": "This message was deleted.",
        "user": "USLACKBOT",
        "hidden": True,
        **keep,
    }


def message_event(msg: JSON, ch: Channel) -> JSON:
    """A message event as delivered for a stored message."""
    event = {k: copy.deepcopy(v) for k, v in msg.items() if k not in STATE_KEYS}
    event.update(channel=ch.id, event_ts=msg["ts"], channel_type=ch.channel_type)
    return event


def mention_event(msg: JSON, ch: Channel) -> JSON:
    """The app_mention event that accompanies a message mentioning the bot."""
    keys = ("client_msg_id", "text", "user", "ts", "team", "blocks", "thread_ts", "attachments")
    event: JSON = {"type": "app_mention", **{k: copy.deepcopy(msg[k]) for k in keys if k in msg}}
    event.update(channel=ch.id, event_ts=msg["ts"])
    return event


def changed_event(new: JSON, previous: JSON, ch: Channel, ts: str) -> JSON:
    """A hidden message_changed event."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": copy.deepcopy(new),
        "previous_message": copy.deepcopy(previous),
        "channel": ch.id,
        "hidden": True,
        "ts": ts,
        "event_ts": ts,
        "channel_type": ch.channel_type,
    }


def deleted_event(previous: JSON, ch: Channel, ts: str) -> JSON:
    """A hidden message_deleted event."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "previous_message": copy.deepcopy(previous),
        "channel": ch.id,
        "hidden": True,
        "deleted_ts": previous["ts"],
        "ts": ts,
        "event_ts": ts,
        "channel_type": ch.channel_type,
    }


def reaction_event(kind: str, user: str, name: str, msg: JSON, ch: Channel, ts: str) -> JSON:
    """A reaction_added or reaction_removed event."""
    event: JSON = {
        "type": kind,
        "user": user,
        "reaction": name,
        "item": {"type": "message", "channel": ch.id, "ts": msg["ts"]},
        "event_ts": ts,
    }
    if "user" in msg:
        event["item_user"] = msg["user"]
    return event


def member_event(kind: str, user: User, ch: Channel, team: str, inviter: str | None) -> JSON:
    """A member_joined_channel or member_left_channel event."""
    event: JSON = {
        "type": kind,
        "user": user.id,
        "channel": ch.id,
        "channel_type": ch.letter,
        "team": team,
        "event_ts": f"{time.time():.6f}",
    }
    if inviter:
        event["inviter"] = inviter
    return event


def envelope(
    ident: Identity, event: JSON, event_id: str | None, shared: bool, origin: str | None = None
) -> JSON:
    """Wrap an inner event in the event_callback envelope. `origin`: the team whose member
    acted; in a Slack Connect channel Slack may put the other organisation's id in the
    envelope's team_id, while `authorizations` names the installation that sees it."""
    event_id = event_id or new_id("Ev", 10)
    channel = event.get("channel") if isinstance(event.get("channel"), str) else None
    body: JSON = {
        "token": ident.verification_token,
        "team_id": origin or ident.team_id,
        "context_team_id": ident.team_id,
        "context_enterprise_id": ident.enterprise_id,
        "api_app_id": ident.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": ident.enterprise_id,
                "team_id": ident.team_id,
                "user_id": ident.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": ident.org_install,
            }
        ],
        "is_ext_shared_channel": shared,
        "event_context": f"4-{event.get('type', '')}-{ident.team_id}-{channel or ''}",
    }
    if ident.enterprise_id:  # Enterprise Grid envelopes name the org
        body["enterprise_id"] = ident.enterprise_id
    return body


def rate_limited_body(ident: Identity, minute: int) -> JSON:
    """The `app_rate_limited` body: an Events API request with no inner event."""
    return {
        "token": ident.verification_token,
        "type": "app_rate_limited",
        "team_id": ident.team_id,
        "minute_rate_limited": minute,
        "api_app_id": ident.app_id,
    }
