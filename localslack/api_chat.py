"""Web API methods chat.* and reactions.*."""

from __future__ import annotations

from .api_common import conversation, member_of, permalink, public_copy
from .blockkit import MAX_TEXT, MESSAGE_BLOCKS, check_blocks, check_message
from .posting import Posting
from .types import JSON, ApiError
from .webapi import Args, Handler
from .workspace import Channel


def _body(args: Args) -> tuple[str | None, object, object]:
    """Text, blocks and attachments of a chat method."""
    text = args.text("text")
    blocks = args.structured("blocks", "invalid_blocks_format")
    attachments = args.structured("attachments", "invalid_attachments")
    return text, blocks, attachments


def _writable(sim: Posting, args: Args) -> Channel:
    """A conversation the bot may post into."""
    ch = member_of(sim, conversation(sim, args, users=True))
    if ch.is_archived:
        raise ApiError("is_archived")
    return ch


def channel_id(sim: Posting, args: Args) -> str | None:
    """The id of the conversation a chat call names, or None if it names none."""
    try:
        return conversation(sim, args, users=True).id
    except ApiError:
        return None


def post_message(sim: Posting, args: Args) -> JSON:
    """chat.postMessage: store, echo as a message event, answer channel/ts/message."""
    ch = _writable(sim, args)
    text, blocks, attachments = _body(args)
    error = check_message(text, blocks, attachments)
    if error:
        raise ApiError(error)
    metadata = args.structured("metadata", "invalid_metadata_format")
    msg, _ = sim.bot_post(
        ch,
        text or "",
        blocks=blocks,
        attachments=attachments,
        metadata=metadata,
        thread_ts=args.text("thread_ts"),
        broadcast=args.flag("reply_broadcast"),
    )
    return {"channel": ch.id, "ts": msg["ts"], "message": public_copy(msg)}


def post_ephemeral(sim: Posting, args: Args) -> JSON:
    """chat.postEphemeral: validated, not stored, no event."""
    ch = _writable(sim, args)
    user = args.need("user", "user_not_found")
    if user not in sim.ws.users:
        raise ApiError("user_not_found")
    if user not in ch.members:
        raise ApiError("user_not_in_channel")
    error = check_message(*_body(args))
    if error:
        raise ApiError(error)
    return {"message_ts": sim.clock.next()}


def _own_message(sim: Posting, ch: Channel, ts: str | None, error: str) -> JSON:
    """A message the bot posted, or the given error."""
    msg = sim.message(ch, ts)
    if msg.get("bot_id") != sim.ident.bot_id:
        raise ApiError(error)
    return msg


def update(sim: Posting, args: Args) -> JSON:
    """chat.update of one of the bot's own messages."""
    ch = conversation(sim, args)
    msg = _own_message(sim, ch, args.text("ts"), "cant_update_message")
    text, blocks, attachments = _body(args)
    if text is None and blocks is None and attachments is None:
        raise ApiError("no_text")
    if text is not None and len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    error = check_blocks(blocks, MESSAGE_BLOCKS)
    if error:
        raise ApiError(error)
    new, _ = sim.edit(
        ch, msg["ts"], sim.ident.bot_user_id, text=text, blocks=blocks, attachments=attachments
    )
    return {"channel": ch.id, "ts": new["ts"], "text": new["text"], "message": public_copy(new)}


def delete(sim: Posting, args: Args) -> JSON:
    """chat.delete of one of the bot's own messages."""
    ch = conversation(sim, args)
    msg = _own_message(sim, ch, args.text("ts"), "cant_delete_message")
    sim.remove(ch, msg["ts"])
    return {"channel": ch.id, "ts": msg["ts"]}


def get_permalink(sim: Posting, args: Args) -> JSON:
    """chat.getPermalink."""
    ch = conversation(sim, args)
    msg = sim.message(ch, args.text("message_ts"))
    return {"channel": ch.id, "permalink": permalink(sim, ch, msg)}


def _reaction(sim: Posting, args: Args, add: bool) -> JSON:
    """reactions.add / reactions.remove as the bot."""
    ch = member_of(sim, conversation(sim, args))
    name = args.need("name", "invalid_name").strip(":")
    sim.react(ch, args.need("timestamp", "message_not_found"), sim.ident.bot_user_id, name, add)
    return {}


def reactions_add(sim: Posting, args: Args) -> JSON:
    """reactions.add."""
    return _reaction(sim, args, True)


def reactions_remove(sim: Posting, args: Args) -> JSON:
    """reactions.remove."""
    return _reaction(sim, args, False)


def reactions_get(sim: Posting, args: Args) -> JSON:
    """reactions.get for a message."""
    ch = member_of(sim, conversation(sim, args))
    msg = sim.message(ch, args.text("timestamp"))
    out = public_copy(msg)
    out["permalink"] = permalink(sim, ch, msg)
    return {"type": "message", "channel": ch.id, "message": out}


METHODS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "reactions.get": reactions_get,
}
