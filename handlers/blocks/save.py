"""Block Kit for asking an author before their message is kept as a learning."""

from __future__ import annotations

import json
from typing import Any

from bot.slacktext import escape
from handlers.blocks.common import context, section

QUOTE = 500  # characters of the message quoted back to its author


def request_value(channel: str, ts: str, saver: str, seal: str) -> str:
    """What the author's buttons carry (nothing is stored until they answer), sealed so that a
    forged value cannot name another saver or message."""
    return json.dumps({"c": channel, "t": ts, "s": saver, "m": seal})


def parse_request(value: str) -> tuple[str, str, str, str] | None:
    """(channel, ts, saver, seal) from a button's value; None when it is not ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    parts = (data.get("c"), data.get("t"), data.get("s"), data.get("m"))
    if not all(isinstance(p, str) and p and len(p) <= 64 for p in parts):
        return None
    return str(parts[0]), str(parts[1]), str(parts[2]), str(parts[3])


def build_save_request(saver_name: str, text: str, value: str) -> dict[str, Any]:
    """The DM asking an author whether their message may become a learning for the team."""
    ask = f"{escape(saver_name)} wants to keep your message as a learning for the team"
    flat = " ".join(text.split())
    quote = escape(flat if len(flat) <= QUOTE else flat[: QUOTE - 1] + "…")
    buttons = [
        {
            "type": "button",
            "action_id": "save_request_share",
            "value": value,
            "style": "primary",
            "text": {"type": "plain_text", "text": "Share it"},
        },
        {
            "type": "button",
            "action_id": "save_request_decline",
            "value": value,
            "text": {"type": "plain_text", "text": "No thanks"},
        },
    ]
    return {
        "text": ask,
        "blocks": [
            section(f"{ask}:\n>{quote}" if quote else ask),
            {"type": "actions", "block_id": "save_request", "elements": buttons},
            context("Nothing is kept unless you choose *Share it*."),
        ],
    }
