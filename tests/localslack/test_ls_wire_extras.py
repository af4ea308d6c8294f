"""Raw WebSocket details, trigger_ids and modals, response_url edits, background waits."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from localslack import LocalSlack
from tests.support.localslack import HttpBot, Reply


async def _ws_url(slack: LocalSlack) -> str:
    app = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    url = (await app.apps_connections_open(app_token=slack.app_token))["url"]
    if app.session is not None:
        await app.session.close()
    return str(url)


async def test_raw_socket_hello_ping_ack_and_bad_tickets(slack: LocalSlack) -> None:
    url = await _ws_url(slack)
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url, autoping=False) as ws:
            hello = json.loads((await ws.receive()).data)
            assert hello["type"] == "hello"
            assert hello["num_connections"] == 1
            await ws.ping(b"sdk-ping-pong:1")
            pong = await ws.receive(timeout=2)
            assert pong.type == aiohttp.WSMsgType.PONG
            assert pong.data == b"sdk-ping-pong:1"
            await ws.send_str("not json")
            await ws.send_str('{"no": "envelope"}')
            task = asyncio.create_task(slack.post_message("U1", "C1", "raw"))
            envelope = json.loads((await ws.receive(timeout=2)).data)
            assert envelope["type"] == "events_api"
            assert envelope["retry_attempt"] == 0
            assert envelope["retry_reason"] == ""
            assert envelope["accepts_response_payload"] is False
            await ws.send_str(json.dumps({"envelope_id": envelope["envelope_id"]}))
            await asyncio.wait_for(task, 2)
            assert slack.deliveries[0].acked
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(url)
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(slack.url + "link/?ticket=forged")


async def test_trigger_ids_open_modals_once(slack: LocalSlack, http_bot: HttpBot) -> None:
    await slack.slash_command("U1", "C1", "/ask", "q")
    trigger = http_bot.requests[0].form()["trigger_id"]
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    view = {
        "type": "modal",
        "callback_id": "ask",
        "private_metadata": "C1",
        "title": {"type": "plain_text", "text": "Ask"},
        "blocks": [
            {
                "type": "input",
                "block_id": "q",
                "label": {"type": "plain_text", "text": "Question"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
        ],
    }
    opened = await client.views_open(trigger_id=trigger, view=view)
    assert opened["view"]["callback_id"] == "ask"
    assert opened["view"]["id"].startswith("V")
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=trigger, view=view)
    assert err.value.response["error"] == "exchanged_trigger_id"
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id="1.2.3", view=view)
    assert err.value.response["error"] == "invalid_trigger_id"
    values = {"q": {"text": {"type": "plain_text_input", "value": "why?"}}}
    await slack.view_submission("U1", callback_id="ask", values=values)
    submitted = http_bot.requests[-1].payload()["view"]
    assert submitted["id"] == opened["view"]["id"]
    assert submitted["private_metadata"] == "C1"
    assert submitted["state"]["values"] == values
    assert submitted["blocks"] == view["blocks"]
    if client.session is not None:
        await client.session.close()


async def test_response_url_replaces_and_deletes_original(
    slack: LocalSlack, http_bot: HttpBot, client: AsyncWebClient
) -> None:
    card = await client.chat_postMessage(channel="C1", text="card v1")
    await slack.block_action("U2", action_id="a", channel="C1", message_ts=card["ts"])
    url = http_bot.requests[-1].payload()["response_url"]
    await AsyncWebhookClient(url).send(text="card v2", replace_original=True)
    await slack.wait_idle()
    assert [m["text"] for m in slack.messages("C1")] == ["card v2"]
    changed = http_bot.requests[-1].json()["event"]
    assert changed["subtype"] == "message_changed"
    assert changed["message"]["text"] == "card v2"
    await AsyncWebhookClient(url).send(delete_original=True)
    await slack.wait_idle()
    assert slack.messages("C1") == []


async def test_wait_false_and_wait_idle(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(delay=0.2)]
    msg = await slack.post_message("U1", "C1", "later", wait=False)
    assert msg["ts"]
    assert slack.deliveries[0].done is False
    assert slack.dispatcher.pending == 1
    await slack.wait_idle(timeout=5)
    assert slack.dispatcher.pending == 0
    assert slack.deliveries[0].acked


async def test_a_submission_answered_with_update_replaces_the_modal(
    slack: LocalSlack, http_bot: HttpBot, client: AsyncWebClient
) -> None:
    await slack.block_action("U1", "open", container_type="view")
    trigger = http_bot.requests[0].payload()["trigger_id"]
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "find",
        "title": {"type": "plain_text", "text": "Find"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "ask"}}],
    }
    opened = (await client.views_open(trigger_id=trigger, view=view))["view"]
    found = {**view, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "found"}}]}
    http_bot.script = [Reply(200, json.dumps({"response_action": "update", "view": found}))]
    await slack.view_submission("U1", callback_id="find")
    modal = slack.modal(opened["id"])
    assert modal is not None
    assert modal["blocks"] == found["blocks"]
    too_many = {**view, "blocks": found["blocks"] * 101}
    http_bot.script = [Reply(200, json.dumps({"response_action": "update", "view": too_many}))]
    await slack.view_submission("U1", callback_id="find")
    assert slack.modal(opened["id"]) == modal  # Slack refuses it: the modal stays
    assert slack.server_errors == ["response_action update refused: invalid_blocks"]
