"""Recorded Slack payloads (tests/payloads/*.json) through the real bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.bot import Env

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"


def recorded(name: str, team: str) -> dict[str, Any]:
    """A recorded event, moved into the local workspace (its team id)."""
    event: dict[str, Any] = json.loads((PAYLOADS / name).read_text())["event"]
    for key in ("team", "user_team", "source_team"):
        if key in event:
            event[key] = team
    return event


async def test_real_message_with_links_and_unfurl(env: Env) -> None:
    await env.slack.send_event(recorded("message_with_links.json", env.team))
    [item] = await env.items()
    assert item["url"] == "https://chat.zulip.org/"
    assert item["title"] == "Public view of Zulip Community | Zulip team chat"
    assert item["site_name"] == "Zulip"
    assert str(item["text"]).startswith("Text with a link\n*Text with a link*")


async def test_edit_and_delete_in_bolt_shapes(env: Env) -> None:
    original = recorded("message_deleted.json", env.team)["previous_message"]
    await env.slack.send_event({**original, "channel": "C1", "channel_type": "channel"})
    assert [i["url"] for i in await env.items()] == ["https://orig.example/"]
    await env.slack.send_event(recorded("message_changed.json", env.team))
    assert [i["url"] for i in await env.items()] == ["https://edited.example/"]
    await env.slack.send_event(recorded("message_deleted.json", env.team))
    assert await env.items() == []


async def test_bots_and_joins_are_not_captured(env: Env) -> None:
    for name in ("bot_message_classic.json", "bot_message_modern.json", "channel_join.json"):
        await env.slack.send_event(recorded(name, env.team))
    assert await env.items() == []
    assert all(d.acked for d in env.slack.deliveries)


async def test_thread_broadcast_is_captured_with_its_parent(env: Env) -> None:
    event = recorded("thread_broadcast.json", env.team)
    event["text"] = event["text"] + " <https://broadcast.example/>"
    await env.slack.send_event(event)
    [item] = await env.items()
    [share] = await env.store.shares_at(env.team, "C1", event["ts"])
    assert item["url"] == "https://broadcast.example/"
    assert share["thread_ts"] == event["thread_ts"]


async def test_user_token_revocation_is_not_an_uninstall(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "<https://a.com/>")
    await env.slack.send_event(recorded("tokens_revoked_user_only.json", env.team))
    await env.settle()
    assert await env.store.purge_uninstalled(1e12) == []
