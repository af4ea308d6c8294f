"""The buttons on digests: "Useful", "Less like this" and "Digest settings"."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.store import Store, cadence_of
from handlers.blocks.common import build_digest_settings

USEFUL_ANSWERS = {
    "voted": "Thanks: your vote counts, and helps others find it.",
    "again": "You had already marked this useful.",
    "own": "You shared this one, so your vote does not count for it.",
    "gone": "This item is no longer stored.",
    "optedout": "You opted out, so Serendip records nothing from you. `/serendip optin` undoes it.",
}


def _where(body: dict[str, Any]) -> tuple[str, str, str]:
    """(team id, clicker, `d:channel:ts` naming the digest message)."""
    channel = str((body.get("channel") or {}).get("id") or "")
    ts = str((body.get("container") or {}).get("message_ts") or "")
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id"))
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
    if await store.opted_out(team, user):
        await _tell(respond, text=USEFUL_ANSWERS["optedout"])
        return None
    return team, user, where


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")[:64]


async def handle_digest_useful(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Useful" on a digest item: the clicker's vote."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    team, user, where = clicked
    now = time.time()
    outcome = await store.button_vote(team, _value(body), user, where, now)
    await store.record_click(team, user, _value(body), "useful", now)
    await store.note_person_activity(team, user, now)
    await _tell(respond, text=USEFUL_ANSWERS[outcome])


async def handle_digest_less(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Less like this": that domain and sharer count less in the clicker's next digests."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    team, user, _ = clicked
    now = time.time()
    found = await store.less_like(team, user, _value(body), now)
    await store.record_click(team, user, _value(body), "less", now)
    text = (
        "Got it: you will see less from that site and that person in your digests."
        if found
        else "This item is no longer stored."
    )
    await _tell(respond, text=text)


async def handle_digest_settings(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Digest settings": the clicker's cadence, with buttons to change it."""
    if (clicked := await _clicker(ack, respond, body, store)) is None:
        return
    team, user, _ = clicked
    current = await store.digest_cadence(team, user)
    await store.record_click(team, user, None, "settings", time.time())
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
