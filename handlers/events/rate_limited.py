"""`app_rate_limited`: Slack's notice that it is dropping this app's events, acknowledged."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)


def minute_name(minute: object) -> str:
    """The limited minute (Unix seconds) as an ISO time, or a plain word when it is not one."""
    if not isinstance(minute, int) or isinstance(minute, bool):
        return "an unknown minute"
    try:
        return datetime.fromtimestamp(minute, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return "an unknown minute"


async def handle_app_rate_limited(
    body: Any, next: Callable[[], Awaitable[None]]
) -> BoltResponse | None:
    """Answer 200 to `app_rate_limited` and log it; pass every other request on."""
    # It has no inner event, so no event listener can match it, and Bolt would answer 404:
    # Slack counts non-2xx answers toward turning the app's events off.
    if not isinstance(body, dict) or body.get("type") != "app_rate_limited":
        await next()
        return None
    log.warning(
        "Slack dropped events of workspace %s: over the Events API limit in the minute from %s",
        str(body.get("team_id"))[:40],
        minute_name(body.get("minute_rate_limited")),
    )
    return BoltResponse(status=200, body="")
