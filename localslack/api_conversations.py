"""Web API methods conversations.*."""

from __future__ import annotations

from .api_common import conversation, member_of, page, public_copy
from .objects import channel_object
from .posting import Posting
from .types import JSON, ApiError
from .util import decode_cursor, encode_cursor, ts_key
from .webapi import Args, Handler
from .workspace import Channel

FAR_FUTURE = 2**62


def _window(args: Args) -> tuple[int, int, bool]:
    """The oldest/latest bounds (microseconds) and whether they are inclusive."""
    try:
        low = ts_key(args.text("oldest", "0") or "0")
    except ValueError:
        raise ApiError("invalid_ts_oldest") from None
    latest = args.text("latest")
    try:
        high = ts_key(latest) if latest else FAR_FUTURE
    except ValueError:
        raise ApiError("invalid_ts_latest") from None
    return low, high, args.flag("inclusive")


def _inside(msg: JSON, window: tuple[int, int, bool]) -> bool:
    """Tell whether a message's ts falls inside the window."""
    low, high, inclusive = window
    key = ts_key(msg["ts"])
    return low <= key <= high if inclusive else low < key < high


def _limit(args: Args, default: int) -> int:
    """The page size, defaulted and capped at 999 like Slack."""
    limit = args.integer("limit", default)
    return default if limit <= 0 else min(limit, 999)


def _cursor_ts(args: Args) -> int | None:
    """The ts a history/replies cursor points at, if a cursor was given."""
    cursor = args.text("cursor")
    if not cursor:
        return None
    try:
        return ts_key(decode_cursor(cursor, "next_ts"))
    except ValueError:
        raise ApiError("invalid_cursor") from None


def _messages_page(msgs: list[JSON], args: Args, default_limit: int) -> JSON:
    """Cut a page of messages and build the response fields."""
    limit = _limit(args, default_limit)
    chunk, more = msgs[:limit], len(msgs) > limit
    metadata = args.flag("include_all_metadata")
    return {
        "messages": [public_copy(m, metadata) for m in chunk],
        "has_more": more,
        "response_metadata": {
            "next_cursor": encode_cursor("next_ts", msgs[limit]["ts"]) if more else ""
        },
    }


def history(sim: Posting, args: Args) -> JSON:
    """conversations.history: top-level messages and broadcasts, newest first."""
    ch = member_of(sim, conversation(sim, args))
    window = _window(args)
    msgs = [m for m in reversed(ch.log.top_level()) if _inside(m, window)]
    start = _cursor_ts(args)
    if start is not None:
        msgs = [m for m in msgs if ts_key(m["ts"]) <= start]
    return {**_messages_page(msgs, args, 100), "pin_count": 0}


def replies(sim: Posting, args: Args) -> JSON:
    """conversations.replies: the parent first (first page only), then replies."""
    ch = member_of(sim, conversation(sim, args))
    thread = ch.log.thread(args.need("ts", "thread_not_found"))
    if thread is None:
        raise ApiError("thread_not_found")
    window = _window(args)
    later = [m for m in thread[1:] if _inside(m, window)]
    start = _cursor_ts(args)
    msgs = [thread[0], *later] if start is None else [m for m in later if ts_key(m["ts"]) >= start]
    return _messages_page(msgs, args, 1000)


def _visible(sim: Posting, ch: Channel) -> Channel:
    """A conversation the bot may look at: public, or one it is in."""
    if (ch.is_private or ch.is_im or ch.is_mpim) and not sim.ws.bot_is_member(ch):
        raise ApiError("channel_not_found")
    return ch


def info(sim: Posting, args: Args) -> JSON:
    """conversations.info."""
    ch = _visible(sim, conversation(sim, args))
    return {"channel": channel_object(sim.ident, sim.ws, ch)}


def members(sim: Posting, args: Args) -> JSON:
    """conversations.members with cursor pagination."""
    ch = _visible(sim, conversation(sim, args))
    chunk, cursor = page(list(ch.members), args, "members", 100)
    return {"members": chunk, "response_metadata": {"next_cursor": cursor}}


def open_conversation(sim: Posting, args: Args) -> JSON:
    """conversations.open: a DM (one user) or group DM (several)."""
    if args.text("channel"):
        ch = _visible(sim, conversation(sim, args))
    else:
        users = [u.strip() for u in (args.text("users") or "").split(",") if u.strip()]
        if not users:
            raise ApiError("users_list_not_supplied")
        if any(u not in sim.ws.users for u in users):
            raise ApiError("user_not_found")
        existed = len(users) == 1 and sim.ws.dm_id(users[0]) is not None
        ch = sim.ws.dm_with(users[0]) if len(users) == 1 else sim.ws.mpim_with(users)
        if existed:
            return {"no_op": True, "already_open": True, "channel": _open_answer(sim, ch, args)}
    return {"channel": _open_answer(sim, ch, args)}


def _open_answer(sim: Posting, ch: Channel, args: Args) -> JSON:
    """The channel object conversations.open answers with."""
    if args.flag("return_im"):
        return channel_object(sim.ident, sim.ws, ch)
    return {"id": ch.id}


def _kind(ch: Channel) -> str:
    """The conversations.list type name of a conversation."""
    if ch.is_im:
        return "im"
    if ch.is_mpim:
        return "mpim"
    return "private_channel" if ch.is_private else "public_channel"


def list_conversations(sim: Posting, args: Args) -> JSON:
    """conversations.list of what the bot can see."""
    types = (args.text("types") or "public_channel").split(",")
    chans = [
        ch
        for ch in sim.ws.channels.values()
        if _kind(ch) in types
        and (_kind(ch) == "public_channel" or sim.ws.bot_is_member(ch))
        and not (args.flag("exclude_archived") and ch.is_archived)
    ]
    objects = [channel_object(sim.ident, sim.ws, ch) for ch in chans]
    chunk, cursor = page(objects, args, "channels", 100)
    return {"channels": chunk, "response_metadata": {"next_cursor": cursor}}


def user_conversations(sim: Posting, args: Args) -> JSON:
    """users.conversations: a person's conversations; private ones only where the bot is too."""
    user = args.text("user") or sim.ident.bot_user_id
    if user != sim.ident.bot_user_id and user not in sim.ws.users:
        raise ApiError("user_not_found")
    types = (args.text("types") or "public_channel").split(",")
    chans = [
        ch
        for ch in sim.ws.channels.values()
        if _kind(ch) in types
        and user in ch.members
        and (_kind(ch) == "public_channel" or sim.ws.bot_is_member(ch))
        and not (args.flag("exclude_archived") and ch.is_archived)
    ]
    objects = [channel_object(sim.ident, sim.ws, ch) for ch in chans]
    chunk, cursor = page(objects, args, "channels", 100)
    return {"channels": chunk, "response_metadata": {"next_cursor": cursor}}


def join(sim: Posting, args: Args) -> JSON:
    """conversations.join of a public channel by the bot."""
    ch = conversation(sim, args)
    if ch.is_private or ch.is_im or ch.is_mpim:
        raise ApiError("method_not_supported_for_channel_type")
    if ch.is_archived:
        raise ApiError("is_archived")
    already = sim.ws.bot_is_member(ch)
    sim.join(ch, sim.ident.bot_user_id, None)
    out: JSON = {"channel": channel_object(sim.ident, sim.ws, ch)}
    if already:
        out["warning"] = "already_in_channel"
        out["response_metadata"] = {"warnings": ["already_in_channel"]}
    return out


METHODS: dict[str, Handler] = {
    "conversations.history": history,
    "conversations.replies": replies,
    "conversations.info": info,
    "conversations.members": members,
    "conversations.open": open_conversation,
    "conversations.list": list_conversations,
    "conversations.join": join,
    "users.conversations": user_conversations,
}
