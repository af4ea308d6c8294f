"""End to end with a real slack_bolt AsyncApp, over HTTP and over Socket Mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack


class Recorder:
    """What the bolt listeners saw."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.mentions: list[dict[str, Any]] = []


def build_app(slack: LocalSlack, seen: Recorder) -> AsyncApp:
    """A small bolt app: echoes messages in thread, answers a command and mentions."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    app = AsyncApp(client=client, signing_secret=slack.signing_secret)

    @app.message()
    async def on_message(message: dict[str, Any], say: Any) -> None:
        seen.messages.append(message)
        await say(text=f"echo: {message['text']}", thread_ts=message["ts"])

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any]) -> None:
        seen.mentions.append(event)

    @app.command("/serendip")
    async def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack(text=f"ok {command['text']}")
        await respond(text="later", response_type="ephemeral")

    return app


@pytest.fixture
async def bolt_http(slack: LocalSlack) -> AsyncIterator[Recorder]:
    """The bolt app served over HTTP on loopback, with the local Slack delivering to it."""
    seen = Recorder()
    runner = web.AppRunner(build_app(slack, seen).web_app(), shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    slack.deliver_http(url, retry_delays=(0.0, 0.02, 0.05), timeout=2.0)
    yield seen
    await slack.wait_idle()
    await runner.cleanup()


async def test_bolt_over_http(slack: LocalSlack, bolt_http: Recorder) -> None:
    await slack.post_message("U1", "C1", "hi <@UBOT0001>")
    await slack.wait_idle(settle=0.2)
    assert [m["text"] for m in bolt_http.messages] == ["hi <@UBOT0001>"]
    assert len(bolt_http.mentions) == 1
    reply = slack.messages("C1")[-1]
    assert reply["text"] == "echo: hi <@UBOT0001>"
    assert reply["bot_id"] == slack.bot_id
    echo = [d for d in slack.deliveries if d.payload["event"].get("bot_id")]
    assert len(echo) == 1
    assert echo[0].acked
    assert echo[0].statuses == [200]
    assert all(d.acked for d in slack.deliveries)
    assert len(slack.calls_of("auth.test")) >= 1


async def test_bolt_http_command_and_respond(slack: LocalSlack, bolt_http: Recorder) -> None:
    ack = await slack.slash_command("U1", "C1", "/serendip", "help")
    assert ack.status == 200
    assert ack.body == {"text": "ok help"}
    await slack.wait_idle(settle=0.2)
    assert [r["text"] for r in slack.responses] == ["later"]


async def test_bolt_http_rejects_bad_signatures(slack: LocalSlack, bolt_http: Recorder) -> None:
    status, _ = await slack.send_signed(b'{"type": "event_callback"}', secret="wrong")
    assert status == 401
    status, _ = await slack.send_signed(b'{"type": "url_verification", "challenge": "c1"}')
    assert status == 200


async def test_bolt_unhandled_events_are_retried(slack: LocalSlack, bolt_http: Recorder) -> None:
    delivery = await slack.send_event({"type": "star_added", "user": "U1"})
    assert delivery.statuses == [404, 404, 404, 404]
    assert not delivery.acked


async def test_bolt_over_socket_mode(slack: LocalSlack) -> None:
    seen = Recorder()
    app = build_app(slack, seen)
    handler = AsyncSocketModeHandler(app, slack.app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        slack.deliver_socket(ack_timeout=0.2, connect_timeout=2.0)
        await slack.post_message("U1", "C1", "socket hello")
        await slack.wait_idle(settle=0.2)
        assert [m["text"] for m in seen.messages] == ["socket hello"]
        assert slack.messages("C1")[-1]["text"] == "echo: socket hello"
        assert all(d.acked for d in slack.deliveries)
        ack = await slack.slash_command("U1", "C1", "/serendip", "x")
        assert ack == type(ack)(200, {"text": "ok x"})
        await slack.wait_idle(settle=0.2)
        assert [r["text"] for r in slack.responses] == ["later"]
        unhandled = await slack.send_event({"type": "star_added", "user": "U1"})
        assert unhandled.statuses == ["timeout"] * 4
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
