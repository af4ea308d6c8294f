"""The controls on digests: each item's menu ("Useful", undoable, and "Less like this": site
or person, undoable), the buttons of digests sent before the menu, and "Digest settings"."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.store import LessKind, Store, cadence_of
from handlers.blocks.common import (
    build_digest_settings,
    build_less_choice,
    build_less_done,
    less_target,
)
from handlers.features.home import less_label, publish_home
from handlers.features.lookup import people_names
from handlers.features.replies import reply_when_ready
from jobs.digest_blocks import parse_menu_value, with_useful_state

USEFUL_ANSWERS = {
    "voted": "Thanks: your vote counts, and helps others find it. Choose Useful again to undo.",
    "again": "You had already marked this useful (with a reaction or by saving it): take that"
    " back to undo it.",
    "undone": "Undone: your vote on this is taken back.",
    "own": "You shared this one, so your vote does not count for it.",
    "gone": "This item is no longer stored.",
    "optedout": "You opted out, so Serendip records nothing from you. `/serendip optin` undoes it.",
}


NO_TEAM = "Serendip could not tell which workspace this came from, so nothing was recorded."


def _where(body: dict[str, Any]) -> tuple[str, str, str]:
    """(team id, clicker, `d:channel:ts` naming the digest message)."""
    channel = str((body.get("channel") or {}).get("id") or "")
    ts = str((body.get("container") or {}).get("message_ts") or "")
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
    return team, str(body["user"]["id"]), f"d:{channel}:{ts}"


async def _tell(respond: AsyncRespond, **message: Any) -> None:
    """A private answer beside the digest, which stays as it is."""
    await respond(response_type="ephemeral", replace_original=False, **message)


async def _clicker(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> tuple[str, str, str] | None:
    """Acknowledge a press; (team, clicker, where) unless the clicker opted out, who is told
    that nothing is recorded from them."""
    await ack()
    team, user, where = _where(body)
    if not team:  # nothing can be recorded for a workspace that is not named
        await _tell(respond, text=NO_TEAM)
        return None
    if await store.opted_out(team, user):
        await _tell(respond, text=USEFUL_ANSWERS["optedout"])
        return None
    return team, user, where


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")[:64]


def _chosen(body: dict[str, Any]) -> tuple[str, str] | None:
    """(action, item id) of the option chosen in an item's menu; None when it is not one."""
    actions = body.get("actions") or [{}]
    option = actions[0].get("selected_option") if isinstance(actions[0], dict) else None
    value = str(option.get("value") or "") if isinstance(option, dict) else ""
    parsed = parse_menu_value(value[:150])
    return (parsed[0], parsed[1][:64]) if parsed else None


async def handle_digest_item_menu(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    later: Later,
) -> None:
    """An item's menu on a digest: "Useful" (chosen again, undone) or "Less like this"."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    chosen = _chosen(body)
    if chosen is None:
        return  # a forged or foreign value: nothing to do
    action, item_id = chosen
    if action == "useful":
        await _useful(respond, body, store, clicked, item_id)
    else:
        await _less(respond, store, client, later, clicked, item_id)


async def handle_digest_useful(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Useful" on a digest sent with buttons: the clicker's vote, or, pressed again, its
    undoing; a personal digest shows on its button whether they voted."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    await _useful(respond, body, store, clicked, _value(body))


async def _useful(
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    clicked: tuple[str, str, str],
    item_id: str,
) -> None:
    """Vote, or undo the vote; in the reader's own digest, the item shows which."""
    team, user, where = clicked
    now = time.time()
    outcome: str = await store.button_vote(team, item_id, user, where, now)
    if outcome == "again" and await store.button_unvote(team, item_id, user):
        outcome = "undone"
    await store.record_click(team, user, item_id, "useful", now)
    await store.note_person_activity(team, user, now)
    message = body.get("message") or {}
    blocks = message.get("blocks")
    if outcome in ("voted", "undone") and where.startswith("d:D") and isinstance(blocks, list):
        # Their own direct message: the item itself says what they did.
        shown = with_useful_state(blocks, item_id, outcome == "voted")
        await respond(replace_original=True, text=str(message.get("text") or ""), blocks=shown)
        return
    await _tell(respond, text=USEFUL_ANSWERS[outcome])


async def handle_digest_less(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    later: Later,
) -> None:
    """ "Less like this" on a digest sent with buttons (see `_less`)."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    await _less(respond, store, client, later, clicked, _value(body))


async def _less(
    respond: AsyncRespond,
    store: Store,
    client: AsyncWebClient,
    later: Later,
    clicked: tuple[str, str, str],
    item_id: str,
) -> None:
    """Ask whether the clicker wants less from the item's site or from the colleague who
    shared it; nothing is lowered until they choose."""
    team, user, _ = clicked
    await store.record_click(team, user, item_id, "less", time.time())

    async def choice() -> dict[str, Any]:
        targets = await store.less_like_targets(team, item_id)
        if targets is None:
            return {"text": "This item is no longer stored."}
        domain, sharer = targets
        sharer = sharer if sharer != user else None  # nobody is asked to see less of themselves
        name = (await people_names(store, client, team, [sharer])).get(sharer or "", "")
        return build_less_choice(item_id, domain, name if sharer else None)

    # A name may cost a users.info call: Slack gets its answer first.
    later.run(reply_when_ready(respond, choice(), replace_original=False), "less-like")


async def handle_digest_less_choice(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    later: Later,
) -> None:
    """The clicker chose this site or this person: lower only that (a quarter of the weight)
    in their next digests, say what was done, and offer to undo it."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    team, user, _ = clicked
    action = str((body.get("actions") or [{}])[0].get("action_id"))
    kind: LessKind = "sharer" if action == "digest_less_person" else "domain"
    value = await store.less_like(team, user, _value(body), kind, time.time())
    if value is None:
        await respond(replace_original=True, text="This item is no longer stored.")
        return

    async def done(value: str) -> dict[str, Any]:
        return build_less_done(kind, value, await less_label(store, client, team, kind, value))

    later.run(reply_when_ready(respond, done(value), replace_original=True), "less-like")


async def handle_less_like_undo(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    later: Later,
    config: Config,
) -> None:
    """Undo one "Less like this", from its confirmation or from Home."""
    await ack()
    team, user = str(context["team_id"]), str(body["user"]["id"])
    kind, _, value = str((body.get("actions") or [{}])[0].get("value") or "").partition(":")
    undone = await store.undo_less_like(team, user, kind, value)

    async def answer() -> None:
        label = await less_label(store, client, team, kind, value)
        text = f"Undone: {less_target(kind, label)} counts as before in your digests."
        text = text if undone else "Already undone."
        if (body.get("container") or {}).get("type") == "view":
            await publish_home(client, store, team, user, text, config=config)
        else:
            await respond(replace_original=True, text=text)

    # A name may cost a users.info call: Slack gets its answer first.
    later.run(answer(), "less-like-undo")


async def handle_digest_settings(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Digest settings": the clicker's cadence, with buttons to change it (opening them moves
    nobody fatigue made monthly back to weekly: the buttons are theirs to choose)."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    team, user, _ = clicked
    await store.record_click(team, user, None, "settings", time.time())
    current = await store.digest_cadence(team, user)  # as it is after the press
    await _tell(respond, **build_digest_settings(current))


async def handle_digest_cadence(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """A cadence button of the settings message: weekly, daily or off."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    team, user, _ = clicked
    if (cadence := cadence_of(_value(body))) is not None:
        await store.set_digest_cadence(team, user, cadence)
    current = await store.digest_cadence(team, user)
    await respond(replace_original=True, **build_digest_settings(current))
