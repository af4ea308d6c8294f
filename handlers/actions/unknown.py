"""Catch-alls for interactive payloads nobody listens to: acknowledged, never left hanging.

Bolt answers 404 to a payload without a listener, which Socket Mode leaves unacknowledged
and Slack shows as an error; a button from an older message or a stray shortcut deserves a
calm answer instead.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

log = logging.getLogger(__name__)
ANY = re.compile(r".*")


async def ack_unknown_action(ack: AsyncAck, body: dict[str, Any]) -> None:
    """A button or menu Serendip no longer knows: acknowledge and log."""
    await ack()
    log.info("ignoring an unknown %s payload", body.get("type"))


async def ack_unknown_command(ack: AsyncAck, command: dict[str, Any]) -> None:
    """A slash command routed here by mistake: say so to the person alone."""
    name = str(command.get("command", ""))[:40]
    await ack({"response_type": "ephemeral", "text": f"Serendip does not handle `{name}`."})


def register(app: AsyncApp) -> None:
    """Register the catch-alls; call after every real listener."""
    app.action(ANY)(ack_unknown_action)
    app.shortcut(ANY)(ack_unknown_action)
    app.view(ANY)(ack_unknown_action)
    app.command(ANY)(ack_unknown_command)
