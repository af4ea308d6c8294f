"""Message shortcuts: "Save to Serendip", "Flag for review" and "Mark as best answer"."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.inbox import InboxWorker
from bot.later import Later
from bot.store import Question, Store
from handlers.features.ask import choose_best, keepable_reply
from handlers.features.save import (
    ALREADY,
    ALREADY_YOURS,
    CANNOT_SAVE,
    SAVED,
    ask_author,
    save_message_as_learning,
)


def _where(shortcut: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    raw_channel, raw_message = shortcut.get("channel"), shortcut.get("message")
    channel = str(raw_channel.get("id", "")) if isinstance(raw_channel, dict) else ""
    message: dict[str, Any] = raw_message if isinstance(raw_message, dict) else {}
    return channel, str(shortcut.get("message_ts") or message.get("ts", "")), message


async def handle_save_shortcut(
    ack: AsyncAck,
    respond: AsyncRespond,
    shortcut: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
    inbox: InboxWorker,
    later: Later,
) -> None:
    """Save any message as a learning credited to its author; the saver's save is a vote."""
    await ack()
    where = (context["team_id"], context.get("enterprise_id"))
    work = _save(respond, shortcut, store, client, where, inbox)
    later.run(work, "save-shortcut")


async def _save(
    respond: AsyncRespond,
    shortcut: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    where: tuple[str, str | None],
    inbox: InboxWorker,
) -> None:
    await inbox.catch_up()  # the message may have arrived a moment ago
    team_id, enterprise_id = where  # the Grid organisation, whose people are ours
    channel, ts, message = _where(shortcut)
    saver = str(shortcut["user"]["id"])
    if await store.opted_out(team_id, saver):
        await respond(response_type="ephemeral", text="You opted out, so nothing was saved.")
        return
    author = message.get("user")
    captured = bool(await store.shares_at(team_id, channel, ts))
    if message and author != saver and not captured:
        # Someone else's message: its author decides; nothing is recorded until they agree.
        # One captured already is the team's: saving it is a vote, as a bookmark on it is.
        text = await ask_author(store, client, team_id, channel, ts, saver, message, enterprise_id)
        await respond(response_type="ephemeral", text=text)
        return
    item = await save_message_as_learning(
        store,
        client,
        team_id,
        channel,
        ts,
        saver=saver,
        message=message or None,
        saver_votes=True,
        enterprise_id=enterprise_id,
    )
    if item is None:
        text = CANNOT_SAVE
    elif captured:
        text = ALREADY_YOURS if author == saver else ALREADY
    else:
        text = SAVED
    await respond(response_type="ephemeral", text=text)


async def handle_flag_shortcut(
    ack: AsyncAck,
    respond: AsyncRespond,
    shortcut: dict[str, Any],
    store: Store,
    context: dict[str, Any],
    inbox: InboxWorker,
    later: Later,
) -> None:
    """Flag what a message shared, privately: only admins' review sees the flag."""
    await ack()
    later.run(_flag(respond, shortcut, store, context["team_id"], inbox), "flag-shortcut")


async def _flag(
    respond: AsyncRespond,
    shortcut: dict[str, Any],
    store: Store,
    team_id: str,
    inbox: InboxWorker,
) -> None:
    await inbox.catch_up()  # the message may have arrived a moment ago
    channel, ts, _ = _where(shortcut)
    flagged = await store.flag_message(team_id, channel, ts, str(shortcut["user"]["id"]))
    text = (
        "Thanks, flagged for review. Only the admins' review sees it."
        if flagged
        else "Serendip has not captured anything from this message."
    )
    await respond(response_type="ephemeral", text=text)


async def handle_best_answer_shortcut(
    ack: AsyncAck,
    respond: AsyncRespond,
    shortcut: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    inbox: InboxWorker,
    later: Later,
) -> None:
    """The asker marks a reply as the best answer (privately, so anonymous askers may too)."""
    await ack()
    where = (context["team_id"], context.get("enterprise_id"))
    work = _mark_best(respond, shortcut, store, client, config, where, inbox)
    later.run(work, "best-answer-shortcut")


async def _mark_best(
    respond: AsyncRespond,
    shortcut: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    where: tuple[str, str | None],
    inbox: InboxWorker,
) -> None:
    await inbox.catch_up()  # the reply may have arrived a moment ago
    team_id, enterprise_id = where
    channel, ts, message = _where(shortcut)
    thread_ts = message.get("thread_ts")
    question = (
        await store.question_at_card(team_id, channel, thread_ts)
        if isinstance(thread_ts, str) and thread_ts != ts
        else None
    )
    if question is None:
        text = "Use this on a reply in the thread of a question asked with `/ask`."
    elif question.asker != str(shortcut["user"]["id"]):
        text = "Only the person who asked can choose the best answer."
    else:
        reply = {**message, "ts": ts}
        text = await _best_of(store, client, config, (team_id, enterprise_id), question, reply)
    await respond(response_type="ephemeral", text=text)


async def _best_of(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    where: tuple[str, str | None],
    question: Question,
    message: dict[str, Any],
) -> str:
    """Mark the reply a message makes, if it may be kept at all."""
    team_id, enterprise_id = where
    reply = await store.reply_at(team_id, question.channel or "", str(message["ts"]))
    if reply is None:
        channel = question.channel or ""
        reply = await keepable_reply(store, client, team_id, channel, message, enterprise_id)
        if reply is None or await store.add_reply(team_id, reply) is None:
            return "That reply cannot be kept (a bot's, an outsider's, opted out or `!nda`)."
    return await choose_best(store, client, config, question, reply)
