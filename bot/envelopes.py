"""What the inbox reads from an event's envelope: who it is for, and what orders it."""

from __future__ import annotations

import json
import zlib
from typing import Any

# Partitions of the inbox: events of one partition are handled in order, by one replica at a
# time. Stored with each event, so the hash below must never change (nor Python's hash()).
# A partition holds whole channels, not single messages: a reply under a message, or a
# reaction on a reply, says nothing of the message above it, and what one event teaches
# the next (that a message is `!nda`, held in memory only) must reach the replica that
# handles the next.
PARTS = 64


def ordering_key(body: str) -> str:
    """What orders events: the channel they happen in (or nothing: people, the workspace)."""
    try:
        event = json.loads(body).get("event") or {}
        item, channel = event.get("item"), event.get("channel")
    except (ValueError, AttributeError):
        return ""
    if isinstance(channel, dict):
        channel = channel.get("id")
    if not channel and isinstance(item, dict):
        channel = item.get("channel")
    return channel if isinstance(channel, str) else ""


def part_of(body: str) -> int:
    """The inbox partition of an event: a stable hash of its channel, 0 to PARTS - 1."""
    return zlib.crc32(ordering_key(body).encode()) % PARTS


def event_body_fields(body: Any) -> tuple[str, str] | None:
    """(team id, event id) of an Events API callback, None for anything else.

    The team is the installation's (`authorizations[0]`, as Bolt's context has it): in a
    Slack Connect channel the envelope's `team_id` may be the other organisation's.
    """
    if not isinstance(body, dict) or body.get("type") != "event_callback":
        return None
    event_id, team_id = body.get("event_id"), body.get("team_id")
    authorizations = body.get("authorizations")
    if isinstance(authorizations, list) and authorizations and isinstance(authorizations[0], dict):
        installed = authorizations[0].get("team_id")
        team_id = installed if isinstance(installed, str) and installed else team_id
    if isinstance(event_id, str) and isinstance(team_id, str) and event_id and team_id:
        return team_id, event_id
    return None
