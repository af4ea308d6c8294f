"""Block Kit for a workspace's admin settings: Home's "Admin settings" section and the modal
that edits them. Pure functions of the workspace's effective Config and which of its values
are its own (the others are the environment's, the defaults)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bot.config import DAYS, Config
from bot.slacktext import escape
from handlers.blocks.common import Block, context, section
from handlers.blocks.home import button, header
from handlers.blocks.modals import modal

EDIT_ACTION = "home_admin_settings"
MODAL_ID = "team_settings_modal"
VALUE = "value"  # the action_id of each input's element; its block_id is the setting's name
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_NAMES = dict(zip(DAYS, WEEKDAYS, strict=True))
LABELS = {
    "digest_day": "Digest day",
    "digest_hour": "Digest hour",
    "tz": "Time zone",
    "admins": "Admins",
    "ask_channel": "Ask channel",
    "report_channel": "Report channel",
    "routing_cap": "Routing cap",
    "individual_stats": "Individual stats",
}
STATS_ON = "on"


def _people(ids: Collection[str]) -> str:
    return ", ".join(f"<@{uid}>" for uid in sorted(ids)) or "Slack's admins and owners"


def shown_value(config: Config, name: str) -> str:
    """A setting's value as an admin reads it (mentions name people and channels in Home)."""
    value = getattr(config, name)
    if name == "digest_day":
        return DAY_NAMES.get(str(value), str(value))
    if name == "digest_hour":
        return f"{value:02d}:00"
    if name == "admins":
        return _people(value)
    if name in ("ask_channel", "report_channel"):
        return f"<#{value}>" if value else "none"
    if name == "individual_stats":
        return "on" if value else "off"
    return escape(str(value))


def build_admin_section(config: Config, own: Collection[str]) -> list[Block]:
    """Home's "Admin settings": each setting in force and whether it is the default, and the
    button that opens the modal. Shown to the workspace's admins only."""
    lines = [
        f"*{label}:* {shown_value(config, name)}" + ("" if name in own else " _(default)_")
        for name, label in LABELS.items()
    ]
    edit = button(EDIT_ACTION, "Edit settings", "edit", "primary")
    return [
        header("Admin settings"),
        section("\n".join(lines), edit),
        context("For this workspace only. A default is the deployment's environment setting."),
    ]


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _input(name: str, element: Block, optional: bool = False, hint: str = "") -> Block:
    block: Block = {
        "type": "input",
        "block_id": name,
        "optional": optional,
        "element": {**element, "action_id": VALUE},
        "label": {"type": "plain_text", "text": LABELS[name]},
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _select(options: list[Block], chosen: str) -> Block:
    initial = next(o for o in options if o["value"] == chosen)
    return {"type": "static_select", "options": options, "initial_option": initial}


def _channel(chosen: str | None) -> Block:
    element: Block = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if chosen:
        element["initial_conversation"] = chosen
    return element


def build_settings_modal(config: Config) -> dict[str, Any]:
    """The modal editing a workspace's settings, filled in with those in force."""
    days = [_option(DAY_NAMES[day], day) for day in DAYS]
    hours = [_option(f"{hour:02d}:00", str(hour)) for hour in range(24)]
    admins: Block = {"type": "multi_users_select", "initial_users": sorted(config.admins)}
    cap: Block = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "0",
        "max_value": "1000",
        "initial_value": str(config.routing_cap),
    }
    stats: Block = {"type": "checkboxes", "options": [_option("Figures per person", STATS_ON)]}
    if config.individual_stats:
        stats["initial_options"] = stats["options"]
    tz: Block = {"type": "plain_text_input", "initial_value": config.tz, "max_length": 64}
    blocks = [
        _input("digest_day", _select(days, config.digest_day)),
        _input("digest_hour", _select(hours, str(config.digest_hour))),
        _input("tz", tz, hint="An IANA time zone, such as Europe/Paris or America/New_York."),
        _input("admins", admins, True, "None chosen: the default."),
        _input("ask_channel", _channel(config.ask_channel), True, "None: the default."),
        _input("report_channel", _channel(config.report_channel), True, "None: the default."),
        _input("routing_cap", cap, hint="People asked about each question."),
        _input("individual_stats", stats, True),
        context("A value equal to the environment's follows the environment from then on."),
    ]
    return modal(MODAL_ID, "Workspace settings", blocks, "Save")
