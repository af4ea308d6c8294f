"""Message mutations shared by people, the Web API and response_urls."""

from __future__ import annotations

import copy
from typing import Any

from .core import Core, Task
from .events import (
    bot_message,
    changed_event,
    deleted_event,
    join_message,
    member_event,
    message_event,
    reaction_event,
    tombstone,
)
from .types import JSON, ApiError
from .util import rich_text_blocks
from .workspace import Channel


class Posting(Core):
    """Store, edit, delete and react to messages, emitting Slack's events."""

    def message(self, ch: Channel, ts: Any) -> JSON:
        """Return a stored message or raise message_not_found."""
        msg = ch.log.get(ts) if isinstance(ts, str) else None
        if msg is None:
            raise ApiError("message_not_found")
        return msg

    def thread_target(self, ch: Channel, thread_ts: str | None) -> tuple[str | None, str | None]:
        """Resolve thread_ts (parent or reply ts) to (parent ts, parent author)."""
        if not thread_ts:
            return None, None
        root = ch.log.thread_root(thread_ts)
        if root is None:
            raise ApiError("thread_not_found")
        parent = self.message(ch, root)
        return root, parent.get("user")

    def store(self, ch: Channel, msg: JSON) -> None:
        """Store a message and update its thread's parent."""
        ch.log.add(msg)
        root = msg.get("thread_ts")
        if root and root != msg["ts"]:
            ch.log.refresh_parent(root)
            if msg.get("subtype") == "thread_broadcast":
                msg["root"] = copy.deepcopy(self.message(ch, root))

    def bot_post(self, ch: Channel, text: str, **opts: Any) -> tuple[JSON, Task | None]:
        """Store a bot message (opts: blocks, attachments, metadata, thread_ts, broadcast)."""
        root, parent_user = self.thread_target(ch, opts.pop("thread_ts", None))
        ts = self.clock.next()
        msg = bot_message(self.ident, text, ts, thread_ts=root, parent_user=parent_user, **opts)
        self.store(ch, msg)
        event = message_event(msg, ch)
        event.pop("metadata", None)
        return msg, self.emit(event, ch)

    def edit(
        self, ch: Channel, ts: str, editor: str | None, **changes: Any
    ) -> tuple[JSON, Task | None]:
        """Apply text/blocks/attachments changes; editor None means a hidden unfurl."""
        msg = self.message(ch, ts)
        previous = copy.deepcopy(msg)
        event_ts = self.clock.next()
        if changes.get("text") is not None:
            msg["text"] = changes["text"]
            if "client_msg_id" in msg and changes.get("blocks") is None:
                msg["blocks"] = rich_text_blocks(msg["text"])
        for key in ("blocks", "attachments"):
            if changes.get(key) is not None:
                msg[key] = copy.deepcopy(changes[key])
                if not msg[key]:
                    msg.pop(key)
        if editor is not None:
            msg["edited"] = {"user": editor, "ts": event_ts}
        return msg, self.emit(changed_event(msg, previous, ch, event_ts), ch)

    def unfurl_into(self, ch: Channel, ts: str, attachments: list[JSON]) -> Task | None:
        """Add unfurl attachments to a message, as a hidden message_changed."""
        existing = self.message(ch, ts).get("attachments", [])
        merged = [*copy.deepcopy(existing), *copy.deepcopy(attachments)]
        return self.edit(ch, ts, None, attachments=merged)[1]

    def remove(self, ch: Channel, ts: str) -> list[Task | None]:
        """Delete a message; a thread parent with replies becomes a tombstone."""
        msg = self.message(ch, ts)
        event_ts = self.clock.next()
        if msg.get("thread_ts") == ts and ch.log.replies(ts):
            stone = tombstone(msg)
            ch.log.replace(ts, stone)
            return [self.emit(changed_event(stone, msg, ch, event_ts), ch)]
        ch.log.remove(ts)
        tasks = [self.emit(deleted_event(msg, ch, event_ts), ch)]
        root = msg.get("thread_ts")
        if root and root != ts:
            parent = copy.deepcopy(ch.log.get(root))
            if ch.log.refresh_parent(root) and parent is not None:
                tasks.append(self.emit(deleted_event(parent, ch, self.clock.next()), ch))
        return tasks

    def react(self, ch: Channel, ts: str, user: str, name: str, add: bool) -> Task | None:
        """Add or remove one user's reaction, emitting reaction_added/removed."""
        msg = self.message(ch, ts)
        reactions: list[JSON] = msg.setdefault("reactions", [])
        entry = next((r for r in reactions if r["name"] == name), None)
        if add:
            if entry is not None and user in entry["users"]:
                raise ApiError("already_reacted")
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            entry["users"].append(user)
        else:
            if entry is None or user not in entry["users"]:
                raise ApiError("no_reaction")
            entry["users"].remove(user)
        entry["count"] = len(entry["users"])
        msg["reactions"] = [r for r in reactions if r["count"]]
        if not msg["reactions"]:
            msg.pop("reactions")
        kind = "reaction_added" if add else "reaction_removed"
        return self.emit(reaction_event(kind, user, name, msg, ch, self.clock.next()), ch)

    def join(self, ch: Channel, user_id: str, inviter: str | None) -> list[Task | None]:
        """Add a member: channel_join message, then member_joined_channel."""
        user = self.ws.user(user_id)
        if user_id in ch.members:
            return []
        ch.members.append(user_id)
        msg = join_message(user, self.clock.next(), inviter)
        self.store(ch, msg)
        joined = member_event("member_joined_channel", user, ch, self.ident.team_id, inviter)
        return [self.emit(joined, ch), self.emit(message_event(msg, ch), ch)]

    def leave(self, ch: Channel, user_id: str) -> list[Task | None]:
        """Remove a member; the bot hears its own member_left_channel."""
        user = self.ws.user(user_id)
        if user_id not in ch.members:
            return []
        left = member_event("member_left_channel", user, ch, self.ident.team_id, None)
        task = self.emit(left, ch)
        ch.members.remove(user_id)
        return [task]
