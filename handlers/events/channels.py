"""Channel lifecycle: renames and archiving keep the stored channel true."""

from __future__ import annotations

from typing import Any

from bot.store import Store


async def handle_channel_rename(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """`channel_rename` / `group_rename`: store the new name."""
    channel = event.get("channel")
    if isinstance(channel, dict) and channel.get("id") and channel.get("name"):
        await store.update_channel(context["team_id"], str(channel["id"]), name=channel["name"])


async def handle_channel_archive(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """`channel_archive` / `group_archive`: mark the channel archived."""
    if isinstance(event.get("channel"), str):
        await store.update_channel(context["team_id"], event["channel"], is_archived=True)


async def handle_channel_unarchive(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """`channel_unarchive` / `group_unarchive`: the channel is live again."""
    if isinstance(event.get("channel"), str):
        await store.update_channel(context["team_id"], event["channel"], is_archived=False)
