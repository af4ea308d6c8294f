"""HTTP delivery: signatures, retries, slash commands, interactivity, response_urls."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook.async_client import AsyncWebhookClient

from localslack import LocalSlack
from tests.support.localslack import HttpBot, Reply


async def test_events_are_signed_json(slack: LocalSlack, http_bot: HttpBot) -> None:
    await slack.post_message("U1", "C1", "hello")
    [req] = http_bot.requests
    verifier = SignatureVerifier(slack.signing_secret)
    assert verifier.is_valid_request(req.body, req.headers)
    assert not SignatureVerifier("other-secret").is_valid_request(req.body, req.headers)
    assert req.headers["Content-Type"] == "application/json"
    assert abs(int(req.headers["X-Slack-Request-Timestamp"]) - time.time()) < 5
    body = req.json()
    assert body["type"] == "event_callback"
    assert body["event"]["text"] == "hello"
    assert body["event_id"].startswith("Ev")
    assert body["api_app_id"] == slack.app_id
    assert body["authorizations"][0]["user_id"] == slack.bot_user_id
    assert "X-Slack-Retry-Num" not in req.headers


async def test_retries_after_500_with_headers(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(500), Reply(503), Reply(200)]
    await slack.post_message("U1", "C1", "again")
    assert len(http_bot.requests) == 3
    ids = {r.json()["event_id"] for r in http_bot.requests}
    assert len(ids) == 1
    retry = [
        (r.headers.get("X-Slack-Retry-Num"), r.headers.get("X-Slack-Retry-Reason"))
        for r in http_bot.requests
    ]
    assert retry == [(None, None), ("1", "http_error"), ("2", "http_error")]
    [d] = slack.deliveries
    assert d.acked
    assert d.attempts == 3
    assert d.statuses == [500, 503, 200]
    for req in http_bot.requests:
        assert SignatureVerifier(slack.signing_secret).is_valid_request(req.body, req.headers)


async def test_gives_up_after_three_retries(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(404)] * 5
    await slack.post_message("U1", "C1", "unhandled")
    [d] = slack.deliveries
    assert not d.acked
    assert d.attempts == 4
    assert d.statuses == [404] * 4
    assert [r.headers.get("X-Slack-Retry-Num") for r in http_bot.requests] == [None, "1", "2", "3"]


async def test_no_retry_header_stops_retries(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(500, headers={"X-Slack-No-Retry": "1"})]
    await slack.post_message("U1", "C1", "stop")
    assert len(http_bot.requests) == 1
    assert slack.deliveries[0].statuses == [500]


async def test_timeout_is_a_failure(slack: LocalSlack, http_bot: HttpBot) -> None:
    slack.deliver_http(http_bot.url, retry_delays=(0.0,), timeout=0.2)
    http_bot.script = [Reply(delay=0.5)]
    await slack.post_message("U1", "C1", "slow")
    [d] = slack.deliveries
    assert d.statuses == ["http_timeout", 200]
    assert d.acked
    assert http_bot.requests[1].headers["X-Slack-Retry-Reason"] == "http_timeout"


async def test_connection_failed(slack: LocalSlack) -> None:
    dead = HttpBot()
    await dead.start()
    await dead.stop()
    slack.deliver_http(dead.url, retry_delays=(0.0, 0.0), timeout=0.5)
    await slack.post_message("U1", "C1", "nobody home")
    [d] = slack.deliveries
    assert d.statuses == ["connection_failed"] * 3
    assert not d.acked


async def test_only_loopback_targets(slack: LocalSlack) -> None:
    with pytest.raises(ValueError, match="only delivers to loopback URLs"):
        slack.deliver_http("http://10.1.2.3/slack/events")
    with pytest.raises(ValueError, match="only delivers to loopback URLs"):
        slack.deliver_http("https://example.com/slack/events")


async def test_slash_command_form_and_ack(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(200, '{"response_type": "ephemeral", "text": "pong"}')]
    ack = await slack.slash_command("U1", "C1", "/serendip", "help me")
    assert ack.status == 200
    assert ack.body == {"response_type": "ephemeral", "text": "pong"}
    [req] = http_bot.requests
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(slack.signing_secret).is_valid_request(req.body, req.headers)
    form = req.form()
    assert form["command"] == "/serendip"
    assert form["text"] == "help me"
    assert form["user_id"] == "U1"
    assert form["channel_id"] == "C1"
    assert form["channel_name"] == "general"
    assert form["team_id"] == "T0001"
    assert form["api_app_id"] == "ALOCAL"
    assert form["trigger_id"]
    assert form["response_url"].startswith(slack.url + "response/")
    assert slack.deliveries[0].type == "slash_commands"


async def test_slash_command_channel_names(slack: LocalSlack, http_bot: HttpBot) -> None:
    group_dm = slack.ws.mpim_with(["U1", "U2"]).id
    for channel in (slack.dm_channel("U1"), group_dm, "G1"):
        await slack.slash_command("U1", channel, "/til", "x")
    names = [r.form()["channel_name"] for r in http_bot.requests]
    assert names == ["directmessage", "mpdm-ana--bo--serendip-1", "privategroup"]


async def test_slash_command_not_retried_and_text_ack(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(500)]
    ack = await slack.slash_command("U1", "C1", "/til", "x")
    assert ack.status == 500
    assert len(http_bot.requests) == 1
    http_bot.script = [Reply(200, "plain words")]
    ack = await slack.slash_command("U1", "C1", "/til", "x")
    assert ack.body == {"text": "plain words"}


async def test_in_channel_ack_is_posted(slack: LocalSlack, http_bot: HttpBot) -> None:
    http_bot.script = [Reply(200, '{"response_type": "in_channel", "text": "for all"}')]
    await slack.slash_command("U1", "C1", "/serendip", "")
    msgs = slack.messages("C1")
    assert [m["text"] for m in msgs] == ["for all"]
    assert msgs[0]["bot_id"] == slack.bot_id


async def test_interactive_payloads(slack: LocalSlack, http_bot: HttpBot) -> None:
    blocks = [
        {
            "type": "actions",
            "block_id": "votes",
            "elements": [
                {
                    "type": "button",
                    "action_id": "useful",
                    "value": "item-1",
                    "text": {"type": "plain_text", "text": "Useful"},
                }
            ],
        }
    ]
    msg, _ = slack.bot_post(slack.ws.channel("C1"), "card", blocks=blocks)
    await slack.wait_idle()
    http_bot.requests.clear()
    ack = await slack.block_action(
        "U2",
        action_id="useful",
        value="item-1",
        channel="C1",
        message_ts=msg["ts"],
        block_id="votes",
    )
    assert ack.status == 200
    assert ack.body is None
    [req] = http_bot.requests
    assert SignatureVerifier(slack.signing_secret).is_valid_request(req.body, req.headers)
    payload = req.payload()
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == "U2"
    assert payload["container"] == {
        "type": "message",
        "message_ts": msg["ts"],
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == msg["ts"]
    assert payload["channel"]["id"] == "C1"
    action = payload["actions"][0]
    assert action["action_id"] == "useful"
    assert action["value"] == "item-1"
    assert action["block_id"] == "votes"
    assert action["text"]["text"] == "Useful"
    await slack.block_action("U2", action_id="x", container_type="view")
    assert http_bot.requests[-1].payload()["container"]["type"] == "view"
    await slack.message_shortcut("U1", "C1", msg["ts"], "save_to_serendip")
    shortcut = http_bot.requests[-1].payload()
    assert shortcut["type"] == "message_action"
    assert shortcut["callback_id"] == "save_to_serendip"
    assert shortcut["message"]["ts"] == msg["ts"]
    assert shortcut["response_url"]
    http_bot.script = [Reply(200, '{"response_action": "errors", "errors": {"b": "bad"}}')]
    ack = await slack.view_submission("U1", callback_id="cb", values={"b": {"a": {"value": "v"}}})
    assert ack.body == {"response_action": "errors", "errors": {"b": "bad"}}
    view = http_bot.requests[-1].payload()["view"]
    assert view["callback_id"] == "cb"
    assert view["state"]["values"]["b"]["a"]["value"] == "v"


async def test_response_url(slack: LocalSlack, http_bot: HttpBot) -> None:
    await slack.slash_command("U1", "C1", "/find", "x")
    url = http_bot.requests[0].form()["response_url"]
    hook = AsyncWebhookClient(url)
    resp = await hook.send(text="found it", response_type="ephemeral")
    assert resp.status_code == 200
    assert resp.body == "ok"
    assert slack.responses == [{"text": "found it", "response_type": "ephemeral", "_url": url}]
    bad = await hook.send(text="t", blocks=[{"type": "section"}])
    assert bad.status_code == 400
    assert bad.body == "invalid_blocks"
    public = await hook.send(text="everyone", response_type="in_channel")
    assert public.status_code == 200
    assert [m["text"] for m in slack.messages("C1")] == ["everyone"]
    for _ in range(2):
        await hook.send(text="more")
    assert (await hook.send(text="sixth")).status_code == 404
    unknown = await AsyncWebhookClient(slack.url + "response/T0001/9/nope").send(text="x")
    assert unknown.status_code == 404


async def test_send_raw_and_send_signed(slack: LocalSlack, http_bot: HttpBot) -> None:
    status, text, _ = await slack.send_raw(b"{}", {"Content-Type": "application/json"})
    assert status == 200
    assert text == ""
    assert "X-Slack-Signature" not in http_bot.requests[0].headers
    http_bot.script = [Reply(401, '{"error": "invalid request"}')]
    old = str(int(time.time()) - 301)
    status, text = await slack.send_signed(b'{"a": 1}', timestamp=old, secret="wrong")
    assert status == 401
    assert "invalid" in text
    req = http_bot.requests[1]
    assert req.headers["X-Slack-Request-Timestamp"] == old
    assert (
        SignatureVerifier("wrong").generate_signature(timestamp=old, body=req.body)
        == (req.headers["X-Slack-Signature"])
    )


async def test_send_signed_signs_any_bytes(slack: LocalSlack, http_bot: HttpBot) -> None:
    body = b"\xff\xfe{ not utf-8"
    status, _ = await slack.send_signed(body)
    assert status == 200
    req = http_bot.requests[0]
    assert req.body == body
    ts = req.headers["X-Slack-Request-Timestamp"]
    expected = hmac.new(b"local-secret", b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    assert req.headers["X-Slack-Signature"] == "v0=" + expected.hexdigest()
