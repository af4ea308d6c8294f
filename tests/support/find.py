"""Running /find through the local Slack and reading what the bot answered."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def last_response(env: Env) -> dict[str, Any]:
    assert env.slack.responses, "the bot answered nothing through response_url"
    return env.slack.responses[-1]


def result_texts(body: dict[str, Any]) -> list[str]:
    blocks = body.get("blocks") or []
    return [b["text"]["text"] for b in blocks[1:] if b["type"] == "section"]


async def find(env: Env, user: str, query: str, channel: str = "C1") -> dict[str, Any]:
    before = len(env.slack.responses)
    ack = await env.slack.slash_command(user, channel, "/find", query)
    assert ack.status == 200
    await env.settle()
    if ack.body and ack.body.get("text"):
        return ack.body
    assert len(env.slack.responses) > before
    return last_response(env)
