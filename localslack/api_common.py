"""Helpers shared by the Web API method modules."""

from __future__ import annotations

import copy
from typing import TypeVar

from .posting import Posting
from .types import JSON, ApiError
from .util import decode_cursor, encode_cursor
from .webapi import Args
from .workspace import Channel

T = TypeVar("T")


def conversation(sim: Posting, args: Args, key: str = "channel", users: bool = False) -> Channel:
    """Resolve a conversation id; with users set, also a user id (the DM) or "#name"."""
    cid = args.text(key)
    if cid is None:
        raise ApiError("channel_not_found")
    if users and cid in sim.ws.users and cid != sim.ident.bot_user_id:
        return sim.ws.dm_with(cid)
    ch = sim.ws.channels.get(cid)
    if ch is None and users:
        name = cid.removeprefix("#")
        ch = next((c for c in sim.ws.channels.values() if c.name == name and not c.is_im), None)
    if ch is None:
        raise ApiError("channel_not_found")
    return ch


def member_of(sim: Posting, ch: Channel) -> Channel:
    """Raise not_in_channel unless the bot is in the conversation."""
    if not sim.ws.bot_is_member(ch):
        raise ApiError("not_in_channel")
    return ch


def permalink(sim: Posting, ch: Channel, msg: JSON) -> str:
    """The permalink of a message, on the local Slack's own address."""
    link = f"{sim.ident.url}archives/{ch.id}/p{msg['ts'].replace('.', '')}"
    root = msg.get("thread_ts")
    if root and root != msg["ts"]:
        link += f"?thread_ts={root}&cid={ch.id}"
    return link


def public_copy(msg: JSON, metadata: bool = False) -> JSON:
    """A message as the API returns it (metadata only when asked for)."""
    out = copy.deepcopy(msg)
    if not metadata:
        out.pop("metadata", None)
    return out


def page(items: list[T], args: Args, kind: str, default_limit: int) -> tuple[list[T], str]:
    """Cut one cursor page from a list; return (page, next_cursor or "")."""
    cursor = args.text("cursor")
    start = 0
    if cursor:
        value = decode_cursor(cursor, kind)
        if not value.isdigit():
            raise ApiError("invalid_cursor")
        start = int(value)
    limit = args.integer("limit", default_limit)
    if limit <= 0:
        limit = max(len(items), 1)
    chunk = items[start : start + limit]
    end = start + len(chunk)
    return chunk, encode_cursor(kind, str(end)) if end < len(items) else ""
