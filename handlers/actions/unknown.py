"""Catch-alls for interactive payloads nobody listens to: acknowledged, never left hanging.

Bolt answers 404 to a payload without a listener, which Socket Mode leaves unacknowledged
and Slack shows as an error; a button from an older message or a stray shortcut deserves a
calm answer instead. Each listener package registers its catch-all last in its own table
(buttons and shortcuts here, modals in views/, commands in commands/unknown.py).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

log = logging.getLogger(__name__)


async def ack_unknown_action(ack: AsyncAck, body: dict[str, Any]) -> None:
    """A button, menu, shortcut or modal Serendip no longer knows: acknowledge and log."""
    await ack()
    log.info("ignoring an unknown %s payload", body.get("type"))
