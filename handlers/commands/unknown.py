"""The catch-all for slash commands nobody listens to: answered, never left hanging."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck


async def ack_unknown_command(ack: AsyncAck, command: dict[str, Any]) -> None:
    """A slash command routed here by mistake: say so to the person alone."""
    name = str(command.get("command", ""))[:40]
    await ack({"response_type": "ephemeral", "text": f"Serendip does not handle `{name}`."})
