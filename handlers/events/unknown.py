"""A catch-all for event types nobody listens to: acknowledged, so Slack does not retry."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


async def handle_unknown_event(event: dict[str, Any]) -> None:
    """Log and drop an event type Serendip does not use."""
    log.debug("ignoring event of type %r", event.get("type"))
