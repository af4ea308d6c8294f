"""Routing a question to the colleagues most likely to know (for /ask and the 48-hour job)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.models import BotPost
from bot.slacktext import cut, escape, readable, safe_url
from bot.store import ExpertRules, Question, Reason, Store

log = logging.getLogger(__name__)
DAY = 86400
WEEK = 7 * DAY
ROUTED_POST = "ask_route"
CLAIM_ACTION, DECLINE_ACTION = "ask_claim", "ask_decline"
REASON_CHARS = 80


async def channel_members(client: AsyncWebClient, channel: str) -> frozenset[str] | None:
    """Every member of a channel (all pages); None when Slack will not say."""
    found: set[str] = set()
    cursor = None
    try:
        while True:
            page = await client.conversations_members(channel=channel, cursor=cursor, limit=200)
            found.update(str(m) for m in page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return frozenset(found)
    except SlackApiError as exc:
        log.warning("conversations.members %s failed: %s", channel, exc.response.get("error"))
        return None


def build_expert_dm(
    question: Question, asker: str | None, link: str | None, cap: int, why: str | None = None
) -> dict[str, Any]:
    """The direct message asking a likely expert to have a look, saying why them, with
    **I'll answer** and **Not me**."""
    who = "Someone (anonymously)" if question.anon else escape(asker or "A colleague")
    where = f" in <#{question.channel}>" if question.channel else ""
    quoted = escape(cut(readable(question.text), 1500)).replace("\n", "\n>")
    text = f"{who} asked a question{where} that you may know about:\n>{quoted}"
    text += f"\nWhy you: {why or 'what you shared and found useful matches it'}."
    if link:
        text += f"\n<{safe_url(link)}|Open the question and reply in its thread>"
    note = (
        f"You get at most {cap} of these a week, and one a day. `/serendip routing off` stops them."
    )
    buttons = [
        _button(CLAIM_ACTION, "I'll answer", question.id, "primary"),
        _button(DECLINE_ACTION, "Not me", question.id),
    ]
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, 3000)}},
        {"type": "actions", "block_id": "ask_route", "elements": buttons},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
    ]
    fallback = f"A question you may know about: {escape(cut(readable(question.text), 2900))}"
    return {"text": fallback, "blocks": blocks}


def _button(action_id: str, label: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": label},
    }
    if style:
        button["style"] = style
    return button


def why_line(reason: Reason | None) -> str | None:
    """Why an expert was asked, in a few words ('you shared *PostgreSQL: Using EXPLAIN*')."""
    if reason is None:
        return None
    about = escape(cut(" ".join(reason.about.split()), REASON_CHARS)).replace("*", "")
    if reason.kind == "answered":
        return f"you answered a question about {about}"
    if reason.kind == "voted":
        return f"you found *{about}* useful"
    return f"you shared *{about}*"


async def route_question(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    question: Question,
    round_: int,
    now: float,
    limit: int = 3,
) -> list[str]:
    """DM up to `limit` likely experts (never the asker, anyone it was routed to already, the
    opted-out, those who turned routing off, those over the weekly cap or asked in the past
    day, or for a private channel, outsiders); returns who was asked."""
    members = None
    if question.is_private and question.channel:
        members = await channel_members(client, question.channel)
        if members is None:
            return []  # nobody can be shown to be inside: ask nobody
    busy = await asked_today(store, question.team_id, now)
    exclude = frozenset({question.asker} | await store.routed_to(question.id) | busy)
    rules = ExpertRules(exclude, members, config.routing_cap, now - WEEK, now)
    experts = await store.choose_experts(question, rules, limit)
    if not experts:
        return []
    asker = (
        None
        if question.anon
        else (await store.names_of(question.team_id, [question.asker])).get(question.asker)
    )
    link = question.permalink or await card_permalink(client, question)
    asked = []
    for person in experts:
        if not await store.claim_routing(question, person, round_, now, rules, now - DAY):
            continue  # another question took their place this week (or today) meanwhile
        why = why_line(await store.expert_reason(question, person))
        dm = build_expert_dm(question, asker, link, config.routing_cap, why)
        try:
            answer = await client.chat_postMessage(channel=person, **dm)
        except SlackApiError as exc:
            log.warning("could not DM %s: %s", person, exc.response.get("error"))
            await store.release_routing(question, person)
            continue
        # Credited to the asker: their forget-me deletes what these DMs say about them.
        await remember_post(store, question.team_id, answer, question.asker, ROUTED_POST)
        asked.append(person)
    return asked


async def asked_today(store: Store, team_id: str, now: float) -> set[str]:
    """Everyone who got a question in the past day: the load is spread, one a day each."""
    return await store.routed_since(team_id, now - DAY)


async def route_to_next(
    store: Store,
    client: AsyncWebClient,
    config: Config,
    question: Question,
    declined_by: str,
    now: float,
) -> list[str]:
    """Someone said **Not me**: ask the next expert at once (never anyone asked before), in
    the round that reached them."""
    if question.status != "open":
        return []
    round_ = await store.routing_round(question.id, declined_by)
    return await route_question(store, client, config, question, round_, now, limit=1)


async def remember_post(
    store: Store, team_id: str, answer: Any, credited: str | None, kind: str
) -> None:
    """Keep a post the bot just made (chat.postMessage's answer) for forget-me."""
    await store.record_bot_post(
        BotPost(team_id, str(answer["channel"]), str(answer["ts"]), credited, kind)
    )


async def card_permalink(client: AsyncWebClient, question: Question) -> str | None:
    """A link to the question's card (None when Slack will not give one)."""
    if not question.channel or not question.ts:
        return None
    try:
        link = await client.chat_getPermalink(channel=question.channel, message_ts=question.ts)
    except SlackApiError:
        return None
    return str(link.get("permalink") or "") or None
