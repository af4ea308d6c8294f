"""Socket Mode with the real slack_sdk aiohttp SocketModeClient as the bot side."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import pytest
from aiohttp import WSMessage
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack

Policy = Callable[[SocketModeRequest], Awaitable[dict[str, Any] | bool | None]]


class Bot:
    """A Socket Mode bot that records what it gets and acks per a policy."""

    def __init__(self, slack: LocalSlack, policy: Policy | None = None) -> None:
        """Create the real client (it must be built inside the running loop)."""
        web = AsyncWebClient(base_url=slack.api_url)
        self.client = SocketModeClient(app_token=slack.app_token, web_client=web)
        self.messages: list[dict[str, Any]] = []
        self.requests: list[SocketModeRequest] = []
        self.policy = policy
        self.client.on_message_listeners.append(self._on_message)
        self.client.socket_mode_request_listeners.append(self._on_request)

    async def connect(self) -> None:
        """Open the socket (slack_sdk leaves `connect` unannotated)."""
        await self.client.connect()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        """Close the socket (slack_sdk leaves `close` unannotated)."""
        await self.client.close()  # type: ignore[no-untyped-call]

    async def _on_message(self, message: WSMessage) -> None:
        self.messages.append(json.loads(message.data))

    async def _on_request(self, client: Any, req: SocketModeRequest) -> None:
        self.requests.append(req)
        answer = await self.policy(req) if self.policy else None
        if answer is False:
            return
        payload = answer if isinstance(answer, dict) else None
        await self.client.send_socket_mode_response(
            SocketModeResponse(envelope_id=req.envelope_id, payload=payload)
        )

    def event_ids(self) -> list[str]:
        """event_id of every events_api request received (duplicates kept)."""
        return [r.payload["event_id"] for r in self.requests if r.type == "events_api"]


@pytest.fixture
async def bot(slack: LocalSlack) -> AsyncIterator[Bot]:
    """A connected Socket Mode bot that acks everything."""
    b = Bot(slack)
    await b.connect()
    await slack.wait_connected(1, timeout=5)
    yield b
    await b.close()


async def test_hello_envelope_and_ack(slack: LocalSlack, bot: Bot) -> None:
    await slack.post_message("U1", "C1", "over the socket")
    assert bot.messages[0]["type"] == "hello"
    assert bot.messages[0]["connection_info"]["app_id"] == slack.app_id
    [req] = bot.requests
    assert req.type == "events_api"
    assert req.retry_attempt == 0
    assert req.payload["event"]["text"] == "over the socket"
    assert req.accepts_response_payload is False
    [d] = slack.deliveries
    assert d.acked
    assert d.statuses == ["acked"]
    assert d.envelope_id == req.envelope_id
    opened = slack.calls_of("apps.connections.open")
    assert len(opened) == 1
    assert opened[0].token == slack.app_token


async def test_unacked_envelope_is_redelivered(slack: LocalSlack) -> None:
    async def ack_retries_only(req: SocketModeRequest) -> bool:
        return bool(req.retry_attempt)

    b = Bot(slack, ack_retries_only)
    await b.connect()
    try:
        slack.deliver_socket(ack_timeout=0.2)
        await slack.post_message("U1", "C1", "second time lucky")
        first, retry = b.requests
        assert first.envelope_id == retry.envelope_id
        assert (retry.retry_attempt, retry.retry_reason) == (1, "timeout")
        assert slack.deliveries[0].statuses == ["timeout", "acked"]
    finally:
        await b.close()


async def test_gives_up_after_three_redeliveries(slack: LocalSlack) -> None:
    async def never(req: SocketModeRequest) -> bool:
        return False

    b = Bot(slack, never)
    await b.connect()
    try:
        slack.deliver_socket(ack_timeout=0.1)
        await slack.post_message("U1", "C1", "ignored")
        assert [r.retry_attempt for r in b.requests] == [0, 1, 2, 3]
        d = slack.deliveries[0]
        assert not d.acked
        assert d.attempts == 4
        assert d.statuses == ["timeout"] * 4
    finally:
        await b.close()


async def test_slash_command_ack_payload(slack: LocalSlack) -> None:
    async def answer(req: SocketModeRequest) -> dict[str, Any]:
        return {"response_type": "ephemeral", "text": f"echo {req.payload['text']}"}

    b = Bot(slack, answer)
    await b.connect()
    try:
        ack = await slack.slash_command("U1", "C1", "/serendip", "abc")
        assert ack.status == 200
        assert ack.body == {"response_type": "ephemeral", "text": "echo abc"}
        [req] = b.requests
        assert req.type == "slash_commands"
        assert req.accepts_response_payload is True
        assert req.payload["command"] == "/serendip"
        assert req.payload["user_id"] == "U1"
    finally:
        await b.close()


async def test_envelopes_wait_for_a_socket(slack: LocalSlack) -> None:
    slack.deliver_socket(ack_timeout=0.5, connect_timeout=5.0)
    await slack.post_message("U1", "C1", "early", wait=False)
    await asyncio.sleep(0.05)
    b = Bot(slack)
    await b.connect()
    try:
        await slack.wait_idle(timeout=5)
        assert [r.payload["event"]["text"] for r in b.requests] == ["early"]
        assert slack.deliveries[0].acked
    finally:
        await b.close()


async def test_no_socket_finally_fails(slack: LocalSlack) -> None:
    slack.deliver_socket(ack_timeout=0.1, connect_timeout=0.1)
    await slack.post_message("U1", "C1", "into the void")
    assert slack.deliveries[0].statuses == ["no_socket"]


async def test_disconnect_reconnect_loses_and_doubles_nothing(slack: LocalSlack, bot: Bot) -> None:
    slack.deliver_socket(ack_timeout=1.0, connect_timeout=5.0)
    for i in range(20):
        await slack.post_message("U1", "C1", f"m{i}", wait=False)
        if i == 9:
            await slack.disconnect_sockets()
    await slack.wait_idle(timeout=10)
    assert any(m["type"] == "disconnect" for m in bot.messages)
    sent = [cast(str, d.event_id) for d in slack.deliveries]  # events: each has an id
    assert sorted(bot.event_ids()) == sorted(sent)
    assert all(d.acked for d in slack.deliveries)
    assert len(slack.calls_of("apps.connections.open")) == 2
    assert slack.hub.connections_total == 2
    await slack.wait_connected(1, timeout=2)
    assert slack.connected_sockets == 1


async def test_disconnect_while_unacked_redelivers_on_new_socket(slack: LocalSlack) -> None:
    seen: list[int] = []

    async def slow_first(req: SocketModeRequest) -> bool:
        seen.append(req.retry_attempt or 0)
        return bool(req.retry_attempt)

    b = Bot(slack, slow_first)
    await b.connect()
    try:
        slack.deliver_socket(ack_timeout=0.3, connect_timeout=5.0)
        pending = asyncio.create_task(slack.post_message("U1", "C1", "in flight"))
        await asyncio.sleep(0.05)
        await slack.disconnect_sockets()
        await asyncio.wait_for(pending, 5)
        assert seen == [0, 1]
        assert slack.deliveries[0].acked
        assert slack.hub.connections_total == 2
    finally:
        await b.close()


async def test_envelopes_are_spread_over_the_open_sockets(slack: LocalSlack) -> None:
    bots = [Bot(slack) for _ in range(3)]
    for b in bots:
        await b.connect()
    try:
        await slack.wait_connected(3, timeout=5)
        for n in range(9):
            await slack.post_message("U1", "C1", f"message {n}")
        # Each socket got its turn: three envelopes each, none twice.
        assert [len(b.event_ids()) for b in bots] == [3, 3, 3]
        assert len({e for b in bots for e in b.event_ids()}) == 9
    finally:
        for b in bots:
            await b.close()
