"""The buttons of the admins' flag review: "Restore" and "Remove"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.store import Store
from handlers.commands.flags_review import review_message
from handlers.features.lookup import is_admin

NOT_ADMIN = "Only admins can restore or remove flagged items; nothing was changed."
UNKNOWN = "That item is not stored (any more), so nothing was changed."
MAX_ID = 64  # item ids are 19 characters; anything much longer is not one of ours


async def _admin_press(
    respond: AsyncRespond, body: dict[str, Any], client: AsyncWebClient, config: Config
) -> tuple[str, str] | None:
    """(admin, item id) when an admin pressed. A press by anyone else (only a forged payload
    can carry these buttons to them) changes nothing, and says so."""
    user = str((body.get("user") or {}).get("id") or "")
    if not await is_admin(config, client, user):
        await respond(response_type="ephemeral", replace_original=False, text=NOT_ADMIN)
        return None
    actions = body.get("actions") or [{}]
    return user, str(actions[0].get("value") or "").strip()


def _restored_note(cleared: int | None) -> str:
    """What "Restore" did, from how many people's flags it cleared (None: unknown item)."""
    if cleared is None:
        return UNKNOWN
    if cleared == 0:
        return "That item has no flags now, so there was nothing to restore."
    people = "person" if cleared == 1 else "people"
    return f"Restored: the flags of {cleared} {people} are cleared, and the item shows again."


Change = Callable[[Store, str, str], Awaitable[str]]  # (store, team, item id) -> the note


async def _restore(store: Store, team_id: str, item_id: str) -> str:
    return _restored_note(await store.restore_item(team_id, item_id))


async def _remove(store: Store, team_id: str, item_id: str) -> str:
    removed = await store.remove_item(team_id, item_id)
    return "Removed: the item is deleted from Serendip." if removed else UNKNOWN


async def _review_press(
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    team_id: str,
    change: Change,
) -> None:
    """An admin's press: make the change, then show the list again under what it did."""
    if (pressed := await _admin_press(respond, body, client, config)) is None:
        return
    admin, item_id = pressed
    note = await change(store, team_id, item_id) if len(item_id) <= MAX_ID else UNKNOWN
    review = await review_message(store, client, team_id, admin, note)
    await respond(replace_original=True, **review)


async def handle_flags_restore(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """ "Restore": clear an item's flags so digests and search show it again."""
    await ack()
    team_id = str(context["team_id"])
    later.run(_review_press(respond, body, store, client, config, team_id, _restore), "restore")


async def handle_flags_remove(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """ "Remove": delete a flagged item with everything hanging off it."""
    await ack()
    team_id = str(context["team_id"])
    later.run(_review_press(respond, body, store, client, config, team_id, _remove), "remove")
