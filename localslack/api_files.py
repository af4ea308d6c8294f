"""Web API methods files.getUploadURLExternal, files.completeUploadExternal and files.info."""

from __future__ import annotations

from .api_common import conversation, member_of
from .blockkit import MAX_TEXT, MESSAGE_BLOCKS, check_blocks
from .events import bot_message, message_event
from .files import StoredFile, file_object
from .posting import Posting
from .types import JSON, ApiError
from .webapi import Args, Handler
from .workspace import Channel

MAX_ALT_TXT = 1000
MAX_CHANNELS = 100


def get_upload_url(sim: Posting, args: Args) -> JSON:
    """files.getUploadURLExternal: a file id and a single-use upload URL on the local Slack."""
    name = args.need("filename", "invalid_arguments")
    length = args.integer("length", 0)
    if length < 0:
        raise ApiError("invalid_arguments")
    if length == 0:
        raise ApiError("missing_argument")  # what Slack answers for a zero or missing length
    if length > sim.uploads.max_bytes:
        raise ApiError("file_upload_size_restricted")
    alt_txt = args.text("alt_txt")
    if alt_txt is not None and len(alt_txt) > MAX_ALT_TXT:
        raise ApiError("alt_txt_too_large")
    stored = sim.uploads.issue(name, length, sim.ident.bot_user_id, alt_txt)
    return {"upload_url": f"{sim.ident.url}upload/v1/{stored.ticket}", "file_id": stored.id}


def _files_arg(sim: Posting, args: Args) -> list[tuple[StoredFile, str | None]]:
    """The `files` argument: uploaded, not yet completed files with their titles."""
    entries = args.structured("files", "invalid_arguments")
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ApiError("invalid_arguments")
        title = entry.get("title")
        stored = sim.uploads.files.get(entry["id"])
        # Never uploaded, or already completed: the upload ticket cannot be found.
        if stored is None or stored.data is None or stored.completed:
            raise ApiError("file_not_found")
        found.append((stored, title if isinstance(title, str) else None))
    return found


def _targets(sim: Posting, args: Args) -> list[tuple[Channel, str | None, str | None]]:
    """Where to share (channel_id and channels), each with its thread's root and author;
    all checked before anything is shared."""
    wanted = [args.text("channel_id"), *(args.text("channels") or "").split(",")]
    ids = list(dict.fromkeys(c.strip() for c in wanted if c and c.strip()))
    if len(ids) > MAX_CHANNELS:
        raise ApiError("channels_limit_exceeded")
    thread_ts = args.text("thread_ts")
    if thread_ts and len(ids) != 1:
        raise ApiError("invalid_arguments")
    targets = []
    for cid in ids:
        ch = member_of(sim, conversation(sim, Args({"channel": cid}), users=True))
        if ch.is_archived:
            raise ApiError("is_archived")
        targets.append((ch, *sim.thread_target(ch, thread_ts)))
    return targets


def _comment(args: Args) -> tuple[str, object]:
    """The message's text and blocks: blocks are ignored when there is an initial_comment."""
    text = args.text("initial_comment") or ""
    if len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    blocks = None if text else args.structured("blocks", "invalid_blocks")
    error = check_blocks(blocks, MESSAGE_BLOCKS) if blocks is not None else None
    if error:
        raise ApiError(error)
    return text, blocks


def _share(
    sim: Posting,
    target: tuple[Channel, str | None, str | None],
    files: list[StoredFile],
    comment: tuple[str, object],
) -> None:
    """Post the message that shares the files, and emit it as a file_share message event."""
    ch, root, parent_user = target
    ts = sim.clock.next()
    for stored in files:
        stored.shares.setdefault(ch.id, []).append(ts)
    text, blocks = comment
    msg = bot_message(sim.ident, text, ts, blocks=blocks, thread_ts=root, parent_user=parent_user)
    msg.update(upload=True, display_as_bot=False, files=[_object(sim, f) for f in files])
    msg.pop("team", None)  # a file share says its team only in files[].user_team
    sim.store(ch, msg)
    sim.emit({**message_event(msg, ch), "subtype": "file_share"}, ch)


def _object(sim: Posting, stored: StoredFile) -> JSON:
    """A file object with the privacy of the channels it was shared into."""
    private = {c for c in stored.shares if (ch := sim.ws.channels.get(c)) and ch.is_private}
    return file_object(sim.ident.url, sim.ident.team_id, stored, private)


def complete_upload(sim: Posting, args: Args) -> JSON:
    """files.completeUploadExternal: finish the uploads and share them (or keep them private)."""
    files = _files_arg(sim, args)
    targets = _targets(sim, args)
    comment = _comment(args)
    for stored, title in files:
        sim.uploads.complete(stored, title)
    for target in targets:
        _share(sim, target, [stored for stored, _ in files], comment)
    return {"files": [_object(sim, stored) for stored, _ in files]}


def files_info(sim: Posting, args: Args) -> JSON:
    """files.info of a completed file."""
    stored = sim.uploads.files.get(args.need("file", "file_not_found"))
    if stored is None or not stored.completed:
        raise ApiError("file_not_found")
    return {"file": _object(sim, stored), "comments": [], "response_metadata": {"next_cursor": ""}}


METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": files_info,
}
