"""The "Keep it weekly" button of the digest that says it moves to monthly (digest fatigue)."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.store import Store
from jobs.digest_blocks import without_notice

KEPT = "Your digest stays weekly. `/serendip digest monthly` makes it monthly whenever you like."
OPTED_OUT = "You opted out, so Serendip records nothing from you. `/serendip optin` undoes it."


async def handle_keep_weekly(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], store: Store
) -> None:
    """ "Keep it weekly": the presser's digest is weekly again, by their choice, and the line
    in the digest says so instead of offering the button."""
    await ack()
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id"))
    user = str((body.get("user") or {}).get("id") or "")
    if not user or await store.opted_out(team, user):
        await respond(response_type="ephemeral", replace_original=False, text=OPTED_OUT)
        return
    now = time.time()
    await store.set_digest_cadence(team, user, "weekly")
    await store.record_click(team, user, None, "keep_weekly", now)
    await store.note_person_activity(team, user, now)
    message = body.get("message") or {}
    blocks = message.get("blocks")
    if isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks):
        shown = without_notice(blocks, KEPT)
        await respond(replace_original=True, text=str(message.get("text") or ""), blocks=shown)
        return
    await respond(response_type="ephemeral", replace_original=False, text=KEPT)
