"""One conversation's messages, with Slack's thread bookkeeping."""

from __future__ import annotations

import bisect

from .types import JSON
from .util import ts_key

THREAD_KEYS = ("reply_count", "reply_users_count", "latest_reply", "reply_users", "is_locked")


def is_top_level(msg: JSON) -> bool:
    """Tell whether conversations.history shows this message (not a plain reply)."""
    thread_ts = msg.get("thread_ts")
    return thread_ts is None or thread_ts == msg["ts"] or msg.get("subtype") == "thread_broadcast"


class MessageLog:
    """Messages of one channel in ts order, indexed by ts."""

    def __init__(self) -> None:
        """Start empty."""
        self._msgs: list[JSON] = []
        self._by_ts: dict[str, JSON] = {}

    def add(self, msg: JSON) -> None:
        """Store a message; its ts must be new."""
        key = ts_key(msg["ts"])
        if self._msgs and ts_key(self._msgs[-1]["ts"]) > key:
            keys = [ts_key(m["ts"]) for m in self._msgs]
            self._msgs.insert(bisect.bisect(keys, key), msg)
        else:
            self._msgs.append(msg)
        self._by_ts[msg["ts"]] = msg

    def get(self, ts: str) -> JSON | None:
        """Return the stored message with this ts, if any."""
        return self._by_ts.get(ts)

    def all(self) -> list[JSON]:
        """Return every stored message, oldest first."""
        return list(self._msgs)

    def remove(self, ts: str) -> JSON | None:
        """Drop a message and return it."""
        msg = self._by_ts.pop(ts, None)
        if msg is not None:
            self._msgs.remove(msg)
        return msg

    def replace(self, ts: str, msg: JSON) -> None:
        """Put another message dict in place of the one with this ts."""
        old = self._by_ts[ts]
        self._msgs[self._msgs.index(old)] = msg
        self._by_ts[ts] = msg

    def top_level(self) -> list[JSON]:
        """Messages conversations.history shows, oldest first."""
        return [m for m in self._msgs if is_top_level(m)]

    def replies(self, parent_ts: str) -> list[JSON]:
        """Replies of a thread, oldest first (broadcasts included)."""
        return [m for m in self._msgs if m.get("thread_ts") == parent_ts and m["ts"] != parent_ts]

    def thread_root(self, ts: str) -> str | None:
        """Return the parent ts of the thread holding ts, or None if ts is unknown."""
        msg = self._by_ts.get(ts)
        if msg is None:
            return None
        root = msg.get("thread_ts") or ts
        return str(root) if root in self._by_ts else ts

    def thread(self, ts: str) -> list[JSON] | None:
        """Parent then replies of the thread holding ts; None if ts is unknown."""
        root = self.thread_root(ts)
        if root is None:
            return None
        return [self._by_ts[root], *self.replies(root)]

    def refresh_parent(self, parent_ts: str) -> bool:
        """Recompute a parent's reply fields; True if a reply-less tombstone was dropped."""
        parent = self._by_ts.get(parent_ts)
        if parent is None:
            return False
        replies = self.replies(parent_ts)
        if not replies:
            for key in (*THREAD_KEYS, "thread_ts"):
                parent.pop(key, None)
            if parent.get("subtype") == "tombstone":
                self.remove(parent_ts)
                return True
            return False
        users = list(dict.fromkeys(r.get("user", "") for r in replies if r.get("user")))
        parent.update(
            thread_ts=parent_ts,
            reply_count=len(replies),
            reply_users_count=len(users),
            latest_reply=replies[-1]["ts"],
            reply_users=users[:5],
            is_locked=False,
        )
        return False
