"""Questions asked with /ask: posting the card, replies, and choosing the best answer."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import parse, text_of
from bot.config import Config
from bot.routing import card_permalink, remember_post, route_question
from bot.slacktext import escape
from bot.store import Question, Reply, Store
from handlers.blocks.ask import build_chooser, build_question_card, inert
from handlers.features.ask_loop import credit_in_thread, drop_note, thank_answerer
from handlers.features.capture import author_excluded
from handlers.features.lookup import channel_info, person_name

log = logging.getLogger(__name__)


async def post_question(
    store: Store, client: AsyncWebClient, config: Config, question_id: str
) -> str:
    """Post a pending question's card and route it; returns what to tell the asker."""
    question = await store.question(question_id)
    if question is None or not await store.claim_question_post(question_id):
        return "This question was already posted (or dropped)."
    channel = question.channel or ""
    card = build_question_card(question, await _asker_name(store, client, question))
    try:
        answer = await client.chat_postMessage(channel=channel, **card)
    except Exception as exc:  # a refusal, or a network failure: never left half-posted
        await store.question_unposted(question_id)
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        log.info("could not post question in %s: %s", channel, error)
        return (
            f"I could not post your question in <#{channel}> (invite me there with "
            "`/invite @serendip`, or ask elsewhere). Your question was:\n>" + inert(question.text)
        )
    info = await channel_info(store, client, question.team_id, channel)
    now = time.time()
    card_ts = str(answer["ts"])
    link = await card_permalink(client, replace(question, ts=card_ts))  # for DMs and digests
    await store.question_posted(question_id, channel, card_ts, info.is_private, now, link)
    await remember_post(store, question.team_id, answer, question.asker, "question")
    posted = await store.question(question_id)
    asked = await route_question(store, client, config, posted, 0, now) if posted else []
    how = " anonymously" if question.anon else ""
    return f"Posted your question{how} in <#{channel}>.{_asked_note(len(asked))}"


def _asked_note(count: int) -> str:
    if not count:
        return ""
    return f" I also asked {count} colleague{'s' if count != 1 else ''} who may know."


async def _asker_name(store: Store, client: AsyncWebClient, question: Question) -> str | None:
    """The asker's name for the card; None for an anonymous question."""
    if question.anon:
        return None
    return await person_name(store, client, question.team_id, question.asker)


async def note_reply(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    message: dict[str, Any],
    enterprise_id: str | None = None,
) -> None:
    """A message in a thread: if the thread is a question's, keep the reply (an edit that made
    it one we may not keep takes it back)."""
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    if not isinstance(thread_ts, str) or not isinstance(ts, str) or thread_ts == ts:
        return
    question = await store.question_at_card(team_id, channel, thread_ts)
    if question is None:
        return
    reply = await keepable_reply(store, client, team_id, channel, message, enterprise_id)
    if reply is None:
        await reply_deleted(store, client, team_id, channel, ts)  # e.g. edited to `!nda`
        return
    updated = await store.add_reply(team_id, reply)
    if updated is not None and updated.anon and reply.user != updated.asker:
        await update_chooser(store, client, updated)


async def keepable_reply(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel: str,
    message: dict[str, Any],
    enterprise_id: str | None = None,
) -> Reply | None:
    """The reply a thread message makes, unless capture rules keep it out: bots, people from
    other organisations (not Grid colleagues: capture's judgement), people who opted out,
    and `!nda` messages are never kept."""
    thread_ts, ts, user = message.get("thread_ts"), message.get("ts"), message.get("user")
    if not (isinstance(thread_ts, str) and isinstance(ts, str) and isinstance(user, str)):
        return None
    text = text_of(message)
    if parse(message, text).nda:  # said in blocks only counts too, as for capture
        return None
    if await author_excluded(store, client, team_id, message, enterprise_id) is not None:
        return None
    if await store.opted_out(team_id, user):
        return None
    return Reply(channel, thread_ts, ts, user, text, _seconds(ts))


async def update_chooser(store: Store, client: AsyncWebClient, question: Question) -> None:
    """Post or refresh the anonymous asker's private list of replies to choose from."""
    replies = await store.replies_of(question)
    if not replies:
        return
    names = await store.names_of(question.team_id, [r.user for r in replies])
    message = build_chooser(question, replies, names)
    try:
        if question.chooser_channel and question.chooser_ts:
            await client.chat_update(
                channel=question.chooser_channel, ts=question.chooser_ts, **message
            )
            return
        answer = await client.chat_postMessage(channel=question.asker, **message)
    except SlackApiError as exc:
        log.warning("could not show the best-answer chooser: %s", exc.response.get("error"))
        return
    await store.set_chooser(question.id, str(answer["channel"]), str(answer["ts"]))
    await remember_post(store, question.team_id, answer, question.asker, "ask_chooser")


async def choose_best(
    store: Store, client: AsyncWebClient, config: Config, question: Question, reply: Reply
) -> str:
    """The asker chose `reply`: mark it, show it on the card, credit the answerer in the
    thread and thank them; returns a note. Every caller runs this after Slack's ack."""
    if reply.thread_ts != question.ts or reply.channel != question.channel:
        return "That reply belongs to another thread."
    if reply.user == question.asker:
        return "Choose a reply by someone else: your own reply cannot be the best answer."
    if question.best_ts == reply.ts:
        return "That reply is already the best answer."
    marked = await store.mark_best_answer(question.id, reply, time.time())
    if marked is None:
        return "This question is no longer open."
    answerer = await person_name(store, client, question.team_id, reply.user)
    await refresh_card(store, client, marked)
    await credit_in_thread(store, client, marked, reply, answerer)
    await thank_answerer(store, client, config, marked, reply)
    if marked.anon:
        await update_chooser(store, client, marked)
    return f"Marked {escape(answerer)}'s reply as the best answer. Thanks for closing the loop!"


async def refresh_card(store: Store, client: AsyncWebClient, question: Question) -> None:
    """Show on the card whether the question was answered, and by whom."""
    if not question.channel or not question.ts:
        return
    answerer = (
        await person_name(store, client, question.team_id, question.best_user)
        if question.status == "answered" and question.best_user
        else None
    )
    card = build_question_card(question, await _asker_name(store, client, question), answerer)
    try:
        await client.chat_update(
            channel=question.channel, ts=question.ts, text=card["text"], blocks=card["blocks"]
        )
    except SlackApiError as exc:
        log.warning("could not update the question card: %s", exc.response.get("error"))


async def _reopened(store: Store, client: AsyncWebClient, question_id: str) -> None:
    """The best answer was taken back or deleted: the card shows it open, the note goes."""
    reopened = await store.question(question_id)
    if reopened is not None:
        await refresh_card(store, client, reopened)
        await drop_note(store, client, reopened)


def _seconds(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return time.time()


async def answer_reaction(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    team_id: str,
    channel: str,
    ts: str,
    user: str,
    present: bool,
) -> None:
    """The asker's answer emoji on a reply marks it best (taking it back unmarks it).

    Only stored replies count: every reply in a question's thread is stored as it arrives, so
    the emoji on any other message costs no call to Slack. Anonymous questions ignore it, since
    a reaction would show who asked.
    """
    reply = await store.reply_at(team_id, channel, ts)
    question = await store.question_at_card(team_id, channel, reply.thread_ts) if reply else None
    if reply is None or question is None or question.anon or question.asker != user:
        return
    if present:
        await choose_best(store, client, config, question, reply)
    elif question.best_ts == ts:
        await store.unmark_best_answer(question.id)
        await _reopened(store, client, question.id)


async def reply_deleted(
    store: Store, client: AsyncWebClient, team_id: str, channel: str, ts: str
) -> None:
    """A reply was deleted: forget it; a deleted best answer no longer answers the question."""
    question = await store.remove_reply(team_id, channel, ts)
    if question is not None and question.best_ts == ts:
        await _reopened(store, client, question.id)
