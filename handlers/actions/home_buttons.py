"""The buttons of the Home tab; each changes what is stored, answers Slack, then publishes
Home again (after answering: that takes several calls to Slack), so it shows the change."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.inbox import InboxWorker
from bot.later import Later
from bot.store import Store, cadence_of
from handlers.blocks.common import NOTE_SHARED
from handlers.blocks.home import OPTED_OUT_NOTICE
from handlers.blocks.modals import build_find_modal, build_forget_modal
from handlers.features.home import publish_home

NOT_SHARED = "Nothing shared: that note is not yours, or it is already shared."
NOT_DELETED = "Nothing deleted: that learning is not yours, or it is already gone."
OPT_NOTICES = {
    "out": "You are opted out: Serendip no longer captures what you share or sends you "
    "digests. What was stored stays until you delete it.",
    "in": "Welcome back: Serendip captures what you share again.",
}


async def _pressed(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any]
) -> tuple[str, str, str]:
    """Acknowledge a press: (team id, presser, the button's value)."""
    await ack()
    actions = body.get("actions") or [{}]
    return str(context["team_id"]), str(body["user"]["id"]), str(actions[0].get("value") or "")[:64]


async def _may_record(store: Store, team_id: str, user_id: str) -> bool:
    """False for people who opted out: nothing is recorded from them, not even a setting."""
    if await store.opted_out(team_id, user_id):
        return False
    await store.note_person_activity(team_id, user_id, time.time())
    return True


async def handle_home_cadence(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """A digest cadence button: weekly, daily, monthly or off."""
    team_id, user_id, cadence = await _pressed(ack, body, context)
    notice = None
    if not await _may_record(store, team_id, user_id):
        notice = OPTED_OUT_NOTICE
    elif (chosen := cadence_of(cadence)) is not None:
        await store.set_digest_cadence(team_id, user_id, chosen)
    later.run(publish_home(client, store, team_id, user_id, notice, config=config), "home")


async def handle_home_routing(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """The question routing switch: on or off."""
    team_id, user_id, wanted = await _pressed(ack, body, context)
    notice = None
    if not await _may_record(store, team_id, user_id):
        notice = OPTED_OUT_NOTICE
    elif wanted in ("on", "off"):
        await store.set_routing(team_id, user_id, wanted == "on")
    later.run(publish_home(client, store, team_id, user_id, notice, config=config), "home")


async def handle_home_opt(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    inbox: InboxWorker,
    later: Later,
    config: Config,
) -> None:
    """Opt out, or back in (this one works for people who opted out: it is how they return)."""
    team_id, user_id, wanted = await _pressed(ack, body, context)
    later.run(_opt(store, client, config, inbox, team_id, user_id, wanted), "home-opt")


async def _opt(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    inbox: InboxWorker,
    team_id: str,
    user_id: str,
    wanted: str,
) -> None:
    notice = OPT_NOTICES.get(wanted)
    if notice is not None:
        await inbox.catch_up()  # act after the messages sent before the press, like /serendip
        await store.set_opt_out(team_id, user_id, wanted == "out")
    await publish_home(client, store, team_id, user_id, notice, config=config)


async def handle_home_delete_learning(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """Delete one of the presser's own learnings (it removes data, so opted-out people may)."""
    team_id, user_id, item_id = await _pressed(ack, body, context)
    deleted = await store.delete_learning(team_id, user_id, item_id)
    notice = "Deleted your learning." if deleted else NOT_DELETED
    later.run(publish_home(client, store, team_id, user_id, notice, config=config), "home")


async def handle_home_share_note(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """Share one of the presser's personal notes (a DM /til) with the team."""
    team_id, user_id, item_id = await _pressed(ack, body, context)
    shared = await store.share_note(team_id, user_id, item_id)
    notice = NOTE_SHARED if shared else NOT_SHARED
    later.run(publish_home(client, store, team_id, user_id, notice, config=config), "home")


async def handle_note_share(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    store: Store,
    context: dict[str, Any],
) -> None:
    """ "Share with the team" on the confirmation of a DM /til."""
    team_id, user_id, item_id = await _pressed(ack, body, context)
    shared = await store.share_note(team_id, user_id, item_id)
    await respond(replace_original=True, text=NOTE_SHARED if shared else NOT_SHARED)


async def handle_home_search(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
) -> None:
    """Open the search modal (its submission is handled in handlers/views/find.py)."""
    await _pressed(ack, body, context)
    # One call, and it must come within 3 seconds of the press (the trigger expires).
    await client.views_open(trigger_id=body["trigger_id"], view=build_find_modal())


async def handle_home_forget(
    ack: AsyncAck,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
) -> None:
    """ "Delete my data": ask for confirmation in a modal before deleting anything."""
    await _pressed(ack, body, context)
    await client.views_open(trigger_id=body["trigger_id"], view=build_forget_modal())


HOME_ACTIONS = {
    "home_cadence_weekly": handle_home_cadence,
    "home_cadence_daily": handle_home_cadence,
    "home_cadence_monthly": handle_home_cadence,
    "home_cadence_off": handle_home_cadence,
    "home_routing": handle_home_routing,
    "home_opt": handle_home_opt,
    "home_delete_learning": handle_home_delete_learning,
    "home_search": handle_home_search,
    "home_share_note": handle_home_share_note,
    "note_share": handle_note_share,
    "home_forget": handle_home_forget,
}
