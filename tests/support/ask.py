"""Helpers for /ask tests: asking through the local Slack and reading what it received."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def cards(env: Env, channel: str = "C1") -> list[dict[str, Any]]:
    return [
        m
        for m in env.slack.messages(channel)
        if (m.get("metadata") or {}).get("event_type") == "serendip_question"
    ]


def routed(env: Env) -> list[str]:
    """Who got a question by DM (chat.postMessage to a user id)."""
    return sorted(
        str(c.args.get("channel"))
        for c in env.slack.calls_of("chat.postMessage")
        if str(c.args.get("channel", "")).startswith("U")
        and "may know about" in str(c.args.get("text"))
    )


async def ask(env: Env, user: str, text: str, channel: str = "C1") -> dict[str, Any]:
    before = len(env.slack.responses)
    ack = await env.slack.slash_command(user, channel, "/ask", text)
    assert ack.status == 200
    await env.settle()
    if ack.body and ack.body.get("text"):
        return ack.body
    assert len(env.slack.responses) > before, "no answer to /ask"
    return env.slack.responses[-1]


def buttons(body: dict[str, Any]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"]
        for b in body.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def seed_kafka(env: Env) -> None:
    """bo shared about kafka; cy found it useful."""
    msg = await env.slack.post_message("U2", "C1", "TIL kafka consumer groups rebalance on join")
    await env.slack.add_reaction("U3", "C1", msg["ts"], "+1")
    await env.settle()
