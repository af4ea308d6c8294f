"""Buttons of /ask: post after the suggestions, drop it, and the anonymous best-answer choice."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.store import Question, Store
from handlers.features.ask import choose_best, post_question
from handlers.features.replies import reply_when_ready

NOT_YOURS = "Only the person who asked can do that."


async def _own_question(body: dict[str, Any], value: str, store: Store) -> Question | None:
    """The question a button names, if the person pressing it asked it."""
    question = await store.question(value[:100])
    if question is None or question.asker != str(body["user"]["id"]):
        return None
    return question


async def handle_ask_post(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    later: Later,
) -> None:
    """The asker saw the suggestions and still wants to ask: post and route the question."""
    await ack()
    question = await _own_question(body, str(action.get("value") or ""), store)
    if question is None:
        await respond(response_type="ephemeral", text=NOT_YOURS)
        return
    posting = post_question(store, client, config, question.id)
    later.run(reply_when_ready(respond, posting, replace_original=True), "ask-post")


async def handle_ask_cancel(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    store: Store,
) -> None:
    """A suggestion answered it: the question is not posted."""
    await ack()
    question = await _own_question(body, str(action.get("value") or ""), store)
    if question is None:
        await respond(response_type="ephemeral", text=NOT_YOURS)
        return
    if question.status == "pending":
        await store.question_unposted(question.id)
    await respond(replace_original=True, text="Glad the team already knew! Nothing was posted.")


async def handle_ask_choose_best(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    later: Later,
) -> None:
    """The anonymous asker picked the best answer in their private list."""
    await ack()
    question_id, _, reply_ts = str(action.get("value") or "").partition("|")
    question = await _own_question(body, question_id, store)
    reply = (
        await store.reply_at(question.team_id, question.channel or "", reply_ts)
        if question is not None
        else None
    )
    if question is None or reply is None:
        await respond(response_type="ephemeral", text="That reply or question is gone.")
        return
    choosing = choose_best(store, client, config, question, reply)
    later.run(reply_when_ready(respond, choosing), "choose-best")
