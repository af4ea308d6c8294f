"""`/ask [--anon] QUESTION`: ask peers, after a look at what the team already knows."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.later import Later
from bot.store import Store
from handlers.blocks.ask import build_suggestions
from handlers.blocks.common import build_ephemeral
from handlers.features.ask import post_question
from handlers.features.find import result_blocks
from handlers.features.lookup import command_in_dm, private_channels_of

MAX_QUESTION = 3000
SUGGESTIONS = 3
USAGE = "Usage: `/ask your question` (add `--anon` first to ask anonymously)."


def parse_ask(text: str) -> tuple[str, bool]:
    """The question and whether it is anonymous (`--anon` first, in any case)."""
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower() in ("--anon", "—anon", "-anon"):
        return (words[1].strip() if len(words) > 1 else ""), True
    return text.strip(), False


async def handle_ask(
    ack: AsyncAck,
    respond: AsyncRespond,
    command: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    later: Later,
) -> None:
    """Keep the question, then suggest what may already answer it, or post and route it."""
    text, anon = parse_ask(str(command.get("text") or ""))
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    here = "" if command_in_dm(command) else str(command.get("channel_id"))
    where = config.ask_channel or here
    why_not = await refusal(store, team_id, user, text, where)
    if why_not:
        await ack(build_ephemeral(why_not))
        return
    # Kept before the acknowledgement: once Slack shows the command went through, it is stored.
    question_id = await store.create_question(team_id, user, anon, text, where)
    await store.note_person_activity(team_id, user, time.time())
    await ack()
    work = _suggest_or_post(store, client, config, respond, question_id)
    later.run(work, "ask")


async def _suggest_or_post(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    respond: AsyncRespond,
    question_id: str,
) -> None:
    """Show what may already answer the question (it then waits), or post it at once."""
    question = await store.question(question_id)
    if question is None:
        return
    private = await private_channels_of(client, question.asker)
    hits = await store.suggest(question.team_id, question.text, private, SUGGESTIONS)
    if hits:
        blocks = await result_blocks(store, client, question.team_id, hits)
        await respond(build_suggestions(question_id, blocks))
        return
    await respond(build_ephemeral(await post_question(store, client, config, question_id)))


async def refusal(store: Store, team_id: str, user: str, text: str, where: str) -> str | None:
    """Why a question may not be asked (also from the "Ask the team" modal), or None."""
    if not any(ch.isalnum() for ch in text):
        return USAGE
    if len(text) > MAX_QUESTION:
        return f"That is too long for a question (at most {MAX_QUESTION} characters)."
    if not where:
        return (
            "Ask in a channel, so colleagues can answer in the thread: direct messages and "
            "group DMs stay private. (An admin can set `SERENDIP_ASK_CHANNEL` to gather all "
            "questions.)"
        )
    if await store.opted_out(team_id, user):
        return "You opted out, so Serendip keeps nothing of yours. `/serendip optin` to ask."
    return None
