"""What a signed body must look like before Bolt sees it.

Bolt and the listeners index what Slack always sends (`body["view"]["type"]`,
`body["user"]["id"]`, a `response_url` to answer a button in a message), so a body without
it would end in a 500 and a traceback. Slack never sends such a body; the front door answers
400 instead.
"""

from __future__ import annotations

from typing import Any

# Interactivity parts that Bolt or a listener reads as objects when they are not null.
_OBJECTS = ("user", "team", "channel", "container", "view", "message", "enterprise")


def _has_str(holder: object, key: str) -> bool:
    return isinstance(holder, dict) and isinstance(holder.get(key), str)


def _event_ok(data: dict[str, Any]) -> bool:
    return _has_str(data.get("event"), "type")


def _optional(holder: dict[str, Any], key: str, kind: type) -> bool:
    return holder.get(key) is None or isinstance(holder[key], kind)


def _parts_ok(data: dict[str, Any]) -> bool:
    """The parts present have the types Slack gives them; the person and workspace are named."""
    if not all(_optional(data, key, dict) for key in _OBJECTS):
        return False
    view = data.get("view") or {}
    return (
        _optional(data, "callback_id", str)
        and isinstance(data.get("response_urls", []), list)
        and _optional(view, "callback_id", str)
        and _optional(view, "state", dict)
        and _has_str(data.get("user"), "id")
        and _team_named(data)
    )


def _team_named(data: dict[str, Any]) -> bool:
    # Bolt takes the workspace from `team` when there is one, else from the person.
    team = data.get("team")
    return _has_str(team, "id") if isinstance(team, dict) else _has_str(data["user"], "team_id")


def _actions_ok(data: dict[str, Any]) -> bool:
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        return False
    if not all(_has_str(action, "action_id") for action in actions):
        return False
    # A button in a message is answered through its response_url; one in a view has none.
    url = data.get("response_url")
    if url is None:
        return isinstance(data.get("view"), dict)
    return isinstance(url, str) and url.startswith(("https://", "http://"))


def _interaction_ok(data: dict[str, Any]) -> bool:
    if not _parts_ok(data):
        return False
    kind = data["type"]
    if kind in ("view_submission", "view_closed"):
        return _has_str(data.get("view"), "type")
    if kind == "block_actions":
        return _actions_ok(data)
    return True


INTERACTIONS = (
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
)


def _command_ok(data: dict[str, Any]) -> bool:
    url = data.get("response_url")
    named = all(_has_str(data, key) for key in ("team_id", "user_id", "channel_id"))
    return named and isinstance(url, str) and url.startswith(("https://", "http://"))


def well_formed(data: dict[str, Any]) -> bool:
    """False for an event without a type, or an interaction or a slash command missing what
    Slack always sends."""
    kind = data.get("type")
    if kind == "event_callback":
        return _event_ok(data)
    if kind in INTERACTIONS:
        return _interaction_ok(data)
    if "command" in data:
        return _command_ok(data)
    return True
