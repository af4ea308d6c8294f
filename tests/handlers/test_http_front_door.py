"""Bad input at `POST /slack/events`: clear answers, no crash, nothing lost."""

from __future__ import annotations

import json
import logging
import time

import aiohttp
import pytest

from tests.support.bot import Env


def envelope(event: dict[str, object], event_id: str = "EvBad1") -> bytes:
    return json.dumps(
        {
            "token": "x",
            "team_id": "T0001",
            "api_app_id": "ALOCAL",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    ).encode()


async def test_signature_checks(http_env: Env) -> None:
    slack, body = http_env.slack, envelope({"type": "pin_added"})
    status, _ = await slack.send_signed(body, secret="wrong-secret")
    assert status == 401
    status, _ = await slack.send_signed(body, timestamp=str(int(time.time()) - 600))
    assert status == 401
    status, _ = await slack.send_signed(body, timestamp="soon")
    assert status == 401
    status, _, _ = await slack.send_raw(body, {"Content-Type": "application/json"})
    assert status == 401
    status, _ = await slack.send_signed(body)
    assert status == 200


async def test_malformed_bodies_get_400(http_env: Env) -> None:
    slack = http_env.slack
    for bad in (
        b'{"type": "event_callback", "event": ',
        b"[1, 2]",
        b"\xff\xfe{",
        b'{"type": "event_callback", "event": "not an object"}',
    ):
        status, _ = await slack.send_signed(bad)
        assert status == 400, bad
    status, _ = await slack.send_signed(
        b"payload=%7Bnot-json", content_type="application/x-www-form-urlencoded"
    )
    assert status == 400


async def test_app_rate_limited_is_acknowledged_and_logged(
    http_env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    delivery = await http_env.slack.send_app_rate_limited(minute=1518467820)
    assert delivery.statuses == [200]  # a 404 would count toward Slack turning events off
    await http_env.settle()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("2018-02-12T20:37:00+00:00" in w for w in warnings), warnings
    assert await http_env.store.newest_event() is None  # not an event: nothing in the inbox
    assert await http_env.items() == []
    for odd in ("soon", None, 10**30, True):
        body = {"type": "app_rate_limited", "team_id": "T0001", "minute_rate_limited": odd}
        status, _ = await http_env.slack.send_signed(json.dumps(body).encode())
        assert status == 200, odd
    assert "an unknown minute" in caplog.text


async def test_health_check(http_env: Env) -> None:
    url = f"http://127.0.0.1:{http_env.port}/healthz"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert (await response.json())["ok"] is True


async def test_url_verification(http_env: Env) -> None:
    body = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"}).encode()
    status, answer = await http_env.slack.send_signed(body)
    assert status == 200
    assert "abc123" in str(answer)


async def test_huge_and_hostile_messages(env: Env) -> None:
    slack = env.slack
    await slack.post_message("U1", "C1", "TIL " + "x" * 40_000)
    many = " ".join(f"<https://site{i}.example/p>" for i in range(500))
    await slack.post_message("U1", "C1", many)
    await slack.post_message("U1", "C1", "<http://[::1> <https://> <ftp://x.com> <https://a b/>")
    await slack.send_event(
        {
            "type": "message",
            "channel": "C1",
            "channel_type": "channel",
            "user": "U1",
            "ts": "1700000000.000009",
            "text": None,
            "attachments": "nope",
        }
    )
    await slack.send_event(
        {
            "type": "reaction_added",
            "user": "U2",
            "reaction": "+1",
            "item": {"type": "file", "file": "F1"},
        }
    )
    await slack.send_event({"type": "totally_unknown", "payload": [1, 2, 3]})
    await slack.wait_idle()
    assert all(d.acked for d in slack.deliveries)
    items = await env.items()
    assert sum(1 for i in items if i["kind"] == "learning") == 1
    assert sum(1 for i in items if i["kind"] == "link") == 200
    await slack.post_message("U1", "C1", "still alive <https://alive.com/>")
    assert "https://alive.com/" in {i["url"] for i in await env.items()}


async def test_retries_and_replays_change_nothing(http_env: Env) -> None:
    body = envelope(
        {
            "type": "message",
            "channel": "C1",
            "channel_type": "channel",
            "user": "U1",
            "ts": "1700000000.000300",
            "text": "<https://r.com/>",
            "event_ts": "1700000000.000300",
        },
        event_id="EvReplay",
    )
    for _ in range(3):
        status, _ = await http_env.slack.send_signed(body)
        assert status == 200
    [item] = await http_env.items()
    assert len(item["shares"]) == 1
    assert await http_env.store.event_known(http_env.team, "EvReplay")
