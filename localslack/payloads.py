"""Slash command and interactivity payloads."""

from __future__ import annotations

import copy
import time
from typing import Any

from .objects import Identity
from .types import JSON
from .workspace import Channel, User


def _channel_name(ch: Channel) -> str:
    """The channel_name Slack sends: directmessage for DMs, privategroup for every private
    channel (Slack hides its name, whatever the id: `G…` before 2021, `C…` since)."""
    if ch.is_im:
        return "directmessage"
    return "privategroup" if ch.is_private and not ch.is_mpim else ch.name


def _command_channel_name(ch: Channel) -> str:
    """A slash command's channel_name: directmessage, mpdm-<names>-1 or privategroup."""
    if ch.is_private and not ch.is_im and not ch.is_mpim:
        return "privategroup"
    return _channel_name(ch)


def _user_ref(user: User) -> JSON:
    """The short user object of interactive payloads."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def _org_name(ident: Identity) -> str:
    """The Grid organisation's name, as users.info's `enterprise_user` gives it."""
    return f"Org {ident.enterprise_id}"


def _common(ident: Identity, user: User, kind: str, trigger_id: str) -> JSON:
    """Fields every interactive payload shares. In an Enterprise Grid workspace Slack names
    the organisation twice: `enterprise` {id, name}, and `team`'s enterprise_id and
    enterprise_name; elsewhere `enterprise` is null."""
    team: JSON = {"id": ident.team_id, "domain": ident.domain}
    enterprise: JSON | None = None
    if ident.enterprise_id:
        team.update(enterprise_id=ident.enterprise_id, enterprise_name=_org_name(ident))
        enterprise = {"id": ident.enterprise_id, "name": _org_name(ident)}
    return {
        "type": kind,
        "user": _user_ref(user),
        "api_app_id": ident.app_id,
        "token": ident.verification_token,
        "trigger_id": trigger_id,
        "team": team,
        "enterprise": enterprise,
        "is_enterprise_install": ident.org_install,
    }


def slash_payload(ident: Identity, user: User, ch: Channel, command: str, **ids: str) -> JSON:
    """The form fields of a slash command (ids: text, response_url, trigger_id); in an
    Enterprise Grid workspace Slack adds enterprise_id and enterprise_name."""
    org = {"enterprise_id": ident.enterprise_id, "enterprise_name": _org_name(ident)}
    return (org if ident.enterprise_id else {}) | {
        "token": ident.verification_token,
        "team_id": ident.team_id,
        "team_domain": ident.domain,
        "channel_id": ch.id,
        "channel_name": _command_channel_name(ch),
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": ids["text"],
        "api_app_id": ident.app_id,
        # Form fields are text: an org-wide install's commands say "true" (Bolt then finds
        # the organisation's installation, not one of the workspace).
        "is_enterprise_install": "true" if ident.org_install else "false",
        "response_url": ids["response_url"],
        "trigger_id": ids["trigger_id"],
    }


def shortcut_payload(ident: Identity, user: User, ch: Channel, msg: JSON, **ids: str) -> JSON:
    """A message_action payload (ids: callback_id, trigger_id, response_url)."""
    payload = _common(ident, user, "message_action", ids["trigger_id"])
    payload.update(
        action_ts=f"{time.time():.6f}",
        callback_id=ids["callback_id"],
        channel={"id": ch.id, "name": _channel_name(ch)},
        response_url=ids["response_url"],
        message_ts=msg["ts"],
        message=copy.deepcopy(msg),
    )
    return payload


def find_element(blocks: Any, action_id: str) -> JSON | None:
    """Find an interactive element by action_id in a list of blocks."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        candidates = [block.get("accessory"), block.get("element"), *block.get("elements", [])]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id", "")}
    return None


def action_object(action_id: str, value: str, block_id: str, found: JSON | None) -> JSON:
    """The actions[0] entry of a block_actions payload."""
    action: JSON = {"action_id": action_id, "block_id": block_id, "type": "button"}
    if found is not None:
        action.update(type=found.get("type", "button"), block_id=found["block_id"] or block_id)
        if "text" in found:
            action["text"] = copy.deepcopy(found["text"])
    if action["type"] == "overflow":
        # A menu sends the option chosen (by its value), never a value or text of its own.
        options = (found or {}).get("options") or []
        chosen = next((o for o in options if o.get("value") == value), None)
        text = (chosen or {}).get("text") or {"type": "plain_text", "text": value}
        action["selected_option"] = {"text": {**text, "emoji": True}, "value": value}
        action["action_ts"] = f"{time.time():.6f}"
        return action
    action.setdefault("text", {"type": "plain_text", "text": "Button", "emoji": True})
    action.update(value=value, action_ts=f"{time.time():.6f}")
    return action


def block_actions_payload(ident: Identity, user: User, action: JSON, **ctx: Any) -> JSON:
    """A block_actions payload (ctx: trigger_id, container, channel, message, view...)."""
    payload = _common(ident, user, "block_actions", ctx["trigger_id"])
    payload["container"] = ctx["container"]
    ch: Channel | None = ctx.get("channel")
    if ch is not None:
        payload["channel"] = {"id": ch.id, "name": _channel_name(ch)}
    if ctx.get("message") is not None:
        payload["message"] = copy.deepcopy(ctx["message"])
    if ctx.get("view") is not None:
        payload["view"] = copy.deepcopy(ctx["view"])
    if ctx.get("response_url"):
        payload["response_url"] = ctx["response_url"]
    payload["state"] = {"values": {}}
    payload["actions"] = [action]
    return payload


def view_object(ident: Identity, view: JSON, view_id: str, **extra: Any) -> JSON:
    """A view as Slack stores it after views.open or views.publish."""
    obj: JSON = {
        "id": view_id,
        "team_id": ident.team_id,
        "type": view.get("type", "modal"),
        "blocks": copy.deepcopy(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{time.time():.6f}",
        "title": copy.deepcopy(view.get("title")),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": copy.deepcopy(view.get("close")),
        "submit": copy.deepcopy(view.get("submit")),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": ident.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ident.team_id,
        "bot_id": ident.bot_id,
    }
    obj.update(extra)
    return obj


def submission_payload(ident: Identity, user: User, view: JSON, trigger_id: str) -> JSON:
    """A view_submission payload around a filled-in view."""
    payload = _common(ident, user, "view_submission", trigger_id)
    payload.update(view=view, response_urls=[])
    return payload
