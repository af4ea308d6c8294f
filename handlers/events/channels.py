"""Channel lifecycle: renames and archiving keep the stored channel true.

Slack sends `group_*` for private channels, whatever their id (`G…` before 2021, `C…` since),
so those events also say the channel is private; `channel_*` events never make one public:
that comes from conversations.info.
"""

from __future__ import annotations

from typing import Any

from bot.store import Store


def _privacy(event: dict[str, Any]) -> dict[str, bool]:
    """What the event's type says of the channel's privacy: `group_*` is private."""
    return {"is_private": True} if str(event.get("type", "")).startswith("group_") else {}


async def handle_channel_rename(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """`channel_rename` / `group_rename`: store the new name of a channel we know."""
    channel = event.get("channel")
    if isinstance(channel, dict) and channel.get("id") and isinstance(channel.get("name"), str):
        fields = {"name": channel["name"], **_privacy(event)}
        await store.update_channel(context["team_id"], str(channel["id"]), **fields)


async def handle_channel_archive(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """`channel_archive` / `group_archive`: mark the channel archived."""
    if isinstance(event.get("channel"), str):
        await store.update_channel(
            context["team_id"], event["channel"], is_archived=True, **_privacy(event)
        )


async def handle_channel_unarchive(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """`channel_unarchive` / `group_unarchive`: the channel is live again."""
    if isinstance(event.get("channel"), str):
        await store.update_channel(
            context["team_id"], event["channel"], is_archived=False, **_privacy(event)
        )
