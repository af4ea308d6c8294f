"""Private replies that take Slack calls to make: sent through `respond` once ready, after
the listener has answered Slack (see bot/later.py)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond


async def reply_when_ready(
    respond: AsyncRespond, reply: Awaitable[dict[str, Any] | str], **fields: Any
) -> None:
    """Send `reply` (a message, or its text) privately once it is ready; `fields` such as
    replace_original go with it."""
    ready = await reply
    message = {"text": ready} if isinstance(ready, str) else dict(ready)
    await respond({"response_type": "ephemeral", **message, **fields})
