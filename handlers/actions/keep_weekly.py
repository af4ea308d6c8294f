"""The "Keep it weekly" button of the digest that says it moves to monthly (digest fatigue)."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.store import Store
from handlers.actions.digest_buttons import NO_TEAM
from jobs.digest_blocks import without_notice

KEPT = "Your digest stays weekly. `/serendip digest monthly` makes it monthly whenever you like."
WEEKLY_AGAIN = "`/serendip digest weekly` makes it weekly."
OPTED_OUT = "You opted out, so Serendip records nothing from you. `/serendip optin` undoes it."


async def handle_keep_weekly(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Keep it weekly": the presser's digest is weekly again, by their choice, if fatigue
    moved them and they chose nothing since; the line in the digest says how it is instead of
    offering the button."""
    await ack()
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    if not team:  # nothing can be recorded for a workspace that is not named
        await respond(response_type="ephemeral", replace_original=False, text=NO_TEAM)
        return
    if not user or await store.opted_out(team, user):
        await respond(response_type="ephemeral", replace_original=False, text=OPTED_OUT)
        return
    now = time.time()
    kept = await store.keep_weekly(team, user)
    await store.record_click(team, user, None, "keep_weekly", now)
    await store.note_person_activity(team, user, now)
    said = KEPT if kept else await _as_it_is(store, team, user)
    message = body.get("message") or {}
    blocks = message.get("blocks")
    if isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks):
        shown = without_notice(blocks, said)
        await respond(replace_original=True, text=str(message.get("text") or ""), blocks=shown)
        return
    await respond(response_type="ephemeral", replace_original=False, text=said)


async def _as_it_is(store: Store, team: str, user: str) -> str:
    """What an old "Keep it weekly" says when it changes nothing: the cadence as it is now
    (chosen since, or already weekly again after a press)."""
    cadence = await store.digest_cadence(team, user)
    if cadence == "weekly":
        return KEPT
    return f"Nothing changed: your digest is {cadence}, as you chose. {WEEKLY_AGAIN}"
