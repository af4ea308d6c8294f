"""Closing a question's loop: the best answer's thread note and thanks, and what an expert
answers to a routed question (**I'll answer**, **Not me**)."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.routing import remember_post, route_to_next
from bot.slacktext import safe_url
from bot.store import Question, Reply, Store
from handlers.blocks.ask import build_answer_thanks, build_best_answer_note, build_claim_note
from handlers.features.lookup import person_name

log = logging.getLogger(__name__)
CLAIMED, DECLINED = "claimed", "declined"


async def credit_in_thread(
    store: Store, client: AsyncWebClient, question: Question, reply: Reply, answerer: str
) -> None:
    """Credit the best answer in the thread: one note, edited when the best answer changes."""
    note = build_best_answer_note(answerer)
    if question.note_ts:
        try:
            await client.chat_update(channel=reply.channel, ts=question.note_ts, **note)
            # The note now credits the new answerer: their forget-me deletes it.
            kept = {"channel": reply.channel, "ts": question.note_ts}
            await remember_post(store, question.team_id, kept, reply.user, "best_answer")
            return
        except SlackApiError as exc:
            if exc.response.get("error") != "message_not_found":
                log.warning("could not update the best-answer note: %s", exc.response.get("error"))
                return
    try:  # no note yet, or it was deleted (the earlier answerer's forget-me)
        posted = await client.chat_postMessage(
            channel=reply.channel, thread_ts=reply.thread_ts, **note
        )
    except SlackApiError as exc:
        log.warning("could not credit the best answer: %s", exc.response.get("error"))
        return
    await store.set_best_note(question.id, str(posted["ts"]))
    await remember_post(store, question.team_id, posted, reply.user, "best_answer")


async def drop_note(store: Store, client: AsyncWebClient, question: Question) -> None:
    """The question has no best answer any more: its thread note goes."""
    if not question.note_ts or not question.channel:
        return
    try:
        await client.chat_delete(channel=question.channel, ts=question.note_ts)
    except SlackApiError as exc:
        if exc.response.get("error") != "message_not_found":
            log.warning("could not delete the best-answer note: %s", exc.response.get("error"))
            return
    await store.set_best_note(question.id, None)


async def thank_answerer(
    store: Store, client: AsyncWebClient, config: Config, question: Question, reply: Reply
) -> None:
    """Tell the answerer their answer helped (once per reply; never someone opted out)."""
    if reply.user == question.asker or await store.opted_out(question.team_id, reply.user):
        return
    if not await store.claim_thanks(question.team_id, reply):
        return
    asker = (
        None
        if question.anon
        else await person_name(store, client, question.team_id, question.asker)
    )
    message = build_answer_thanks(asker, config.minutes_saved, question.permalink)
    try:
        posted = await client.chat_postMessage(channel=reply.user, **message)
    except SlackApiError as exc:
        log.warning("could not thank the answerer: %s", exc.response.get("error"))
        return
    # It names the asker: their forget-me deletes it.
    await remember_post(store, question.team_id, posted, question.asker, "answer_thanks")


async def claim(
    store: Store, client: AsyncWebClient, question_id: str, user: str
) -> dict[str, Any]:
    """**I'll answer**: noted once, and in the thread ('Ana is on it') unless the asker is
    anonymous; returns the expert's message's new text."""
    question = await store.question(question_id)
    if question is None or question.status != "open":
        return _message("This question is closed or gone: thanks all the same!", None)
    said = await store.answer_routing(question.id, user, CLAIMED)
    if said is not None:
        return _message(_already(said), question.permalink)
    if not question.anon and question.channel and question.ts:
        name = await person_name(store, client, question.team_id, user)
        try:
            posted = await client.chat_postMessage(
                channel=question.channel, thread_ts=question.ts, **build_claim_note(name)
            )
            await remember_post(store, question.team_id, posted, user, "ask_claim")
        except SlackApiError as exc:
            log.warning("could not note the claim: %s", exc.response.get("error"))
    return _message("Thanks! You said you'll answer this one.", question.permalink)


async def decline(
    store: Store, client: AsyncWebClient, config: Config, question_id: str, user: str
) -> dict[str, Any]:
    """**Not me**: noted once, and the question goes to the next expert at once."""
    question = await store.question(question_id)
    if question is None:
        return _message("This question is gone.", None)
    said = await store.answer_routing(question.id, user, DECLINED)
    if said is not None:
        return _message(_already(said), question.permalink)
    asked = await route_to_next(store, client, config, question, user, time.time())
    sent = " I asked someone else." if asked else ""
    return _message(f"No problem, thanks for saying so.{sent}", None)


def _already(said: str) -> str:
    if said == CLAIMED:
        return "You already said you'll answer this one."
    if said == DECLINED:
        return "You already passed on this one."
    return "This question was not sent to you."


def _message(text: str, link: str | None) -> dict[str, Any]:
    if link:
        text += f" <{safe_url(link)}|Open the question>"
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
