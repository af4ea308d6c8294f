"""The "Ask the team" modal (from the answer to an @mention): asked as `/ask` asks."""

from __future__ import annotations

import time
from contextlib import suppress
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.store import Store
from handlers.blocks.welcome import ASK_ACTION, ASK_BLOCK
from handlers.commands.ask import refusal
from handlers.features.ask import post_question
from handlers.features.lookup import is_outsider_person

OUTSIDER = "Only people of this workspace can ask its colleagues here."


def _question(view: dict[str, Any]) -> str:
    """The text typed into the modal's question."""
    values = (view.get("state") or {}).get("values") or {}
    typed = (values.get(ASK_BLOCK) or {}).get(ASK_ACTION) or {}
    return str(typed.get("value") or "").strip()


async def handle_ask_submission(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """Keep the question (refused as /ask refuses), close the modal, then post and route it
    in the channel of the mention (or SERENDIP_ASK_CHANNEL)."""
    team_id, user = str(context["team_id"]), str(body["user"]["id"])
    text, here = _question(view), str(view.get("private_metadata") or "")
    where = config.ask_channel or here
    why_not = await refusal(store, team_id, user, text, where)
    if await is_outsider_person(store, client, team_id, user, context.get("enterprise_id")):
        why_not = OUTSIDER  # a Slack Connect guest: questions are routed to our people only
    if why_not:
        await ack(response_action="errors", errors={ASK_BLOCK: why_not[:150]})
        return
    question_id = await store.create_question(team_id, user, False, text, where)
    await store.note_person_activity(team_id, user, time.time())
    await ack()
    later.run(_post(store, client, config, question_id, user, here or where), "ask-modal")


async def _post(
    store: Store, client: AsyncWebClient, config: Config, question_id: str, user: str, tell: str
) -> None:
    """Post the question, then tell the asker how it went where they pressed the button."""
    said = await post_question(store, client, config, question_id)
    with suppress(SlackApiError):  # the question is posted; only the note to the asker is lost
        await client.chat_postEphemeral(channel=tell, user=user, text=said)
