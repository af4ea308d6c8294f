"""Hostile requests at `POST /slack/events`: never a 500, never acted on twice, and slow
clients cannot take the bot down."""

from __future__ import annotations

import asyncio
import copy
import logging
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from localslack import LocalSlack
from localslack.http_delivery import encode_body, sign, signed_headers
from tests.support.bot import Env, populate
from tests.support.processes import (
    free_port,
    open_files_limit,
    start,
    wait_handled,
    wait_healthy,
)

JSON_TYPE = "application/json"


def crashes(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the server logged as an error with a traceback (a 500 leaves one)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


async def test_malformed_timestamps_and_signatures_are_401(
    http_env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    slack, body = http_env.slack, b'{"type": "event_callback", "event": {"type": "pin_added"}}'
    now = str(int(time.time()))
    good = sign(slack.signing_secret, now, body)
    odd_timestamps = [
        "²³",
        "1" + "0" * 400,
        "9" * 5000,
        "\u0661\u0667" + "\u0660" * 8,
        " " + now,
        "+" + now,
    ]
    odd_timestamps += ["-1", "1e9", now + ".0", "0x10", "", "0" * 20 + now]
    for timestamp in odd_timestamps:
        headers = {"Content-Type": JSON_TYPE, "X-Slack-Request-Timestamp": timestamp}
        headers["X-Slack-Signature"] = sign(slack.signing_secret, timestamp, body)
        status, _, _ = await slack.send_raw(body, headers)
        assert status == 401, timestamp[:20]
    odd_signatures = [
        "v0=é",
        "v0=" + "é" * 64,
        good.upper(),
        good[:-1],
        good + "0",
        "v1" + good[2:],
    ]
    odd_signatures += ["v0=" + "0" * 5000, "", "v0=", good.replace("v0=", "v0=\u0660")]
    for signature in odd_signatures:
        headers = {"Content-Type": JSON_TYPE, "X-Slack-Request-Timestamp": now}
        headers["X-Slack-Signature"] = signature
        status, _, _ = await slack.send_raw(body, headers)
        assert status == 401, signature[:20]
    assert crashes(caplog) == []
    status, _ = await slack.send_signed(body)
    assert status == 200


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


async def interaction_payloads(env: Env) -> dict[str, dict[str, Any]]:
    """Real payloads of a button in a message and of a modal submission, as the local Slack
    sends them."""
    slack, dm = env.slack, env.slack.dm_channel("U1")
    await slack.slash_command("U1", dm, "/til", "kept for later")
    await slack.block_action("U1", "note_share", "x", channel=dm, container_type="ephemeral")
    await slack.view_submission("U1", "find_modal", {})
    await env.settle()
    sent = [d.payload for d in slack.deliveries if d.type == "interactive"]
    return {str(p["type"]): p for p in sent}


async def test_signed_bodies_that_would_crash_are_400(
    http_env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    slack = http_env.slack
    payloads = await interaction_payloads(http_env)
    no_view_type = copy.deepcopy(payloads["view_submission"])
    del no_view_type["view"]["type"]
    no_response_url = copy.deepcopy(payloads["block_actions"])
    del no_response_url["response_url"]
    no_action_id = copy.deepcopy(payloads["block_actions"])
    del no_action_id["actions"][0]["action_id"]
    no_team = copy.deepcopy(payloads["block_actions"])
    no_team["team"]["id"] = None
    for bad in (no_view_type, no_response_url, no_action_id, no_team):
        status, _ = await slack.send_signed(*encode_body("interactive", bad))
        assert status == 400, bad
    deep = nested(100_000)
    status, _ = await slack.send_signed(('{"type": "event_callback", "x": ' + deep + "}").encode())
    assert status == 400
    form = encode_body("interactive", {})[1]
    status, _ = await slack.send_signed(b"payload=" + deep.encode(), content_type=form)
    assert status == 400
    command = encode_body("slash_commands", {"command": "/find", "user_id": "U1", "text": "x"})
    status, _ = await slack.send_signed(*command)
    assert status == 400  # no team, channel or response_url: Slack always sends them
    assert crashes(caplog) == []
    ack = await slack.slash_command("U1", "C1", "/til", "still answering")
    assert "Saved" in str(ack.body)


def til_request(slack: LocalSlack, text: str) -> tuple[bytes, str]:
    """A /til in #general as Slack would send it, not yet signed: body and content type."""
    fields = {
        "token": slack.ident.verification_token,
        "team_id": slack.team_id,
        "team_domain": slack.ident.domain,
        "channel_id": "C1",
        "channel_name": "general",
        "user_id": "U1",
        "user_name": "ana",
        "command": "/til",
        "text": text,
        "api_app_id": slack.ident.app_id,
        "is_enterprise_install": "false",
        "response_url": slack.new_response_url("C1", None, False),
        "trigger_id": slack.new_trigger(),
    }
    return encode_body("slash_commands", fields)


async def test_a_replayed_slash_command_is_acted_on_once(http_env: Env) -> None:
    slack = http_env.slack
    body, content_type = til_request(slack, "replays are acknowledged, not acted on")
    captured = signed_headers(slack.signing_secret, body, content_type, None)
    answers = [await slack.send_raw(body, captured) for _ in range(5)]
    assert [status for status, _, _ in answers] == [200] * 5
    assert "Saved" in answers[0][1]
    assert [text for _, text, _ in answers[1:]] == [""] * 4
    learnings = [i for i in await http_env.items() if i["kind"] == "learning"]
    assert len(learnings) == 1
    # The same text sent again by Slack (a new timestamp, so a new signature) is not a replay.
    earlier = str(int(captured["X-Slack-Request-Timestamp"]) - 1)
    status, text, _ = await slack.send_raw(
        body, signed_headers(slack.signing_secret, body, content_type, earlier)
    )
    assert status == 200
    assert "Saved" in text


async def test_a_replayed_button_press_is_acted_on_once(http_env: Env) -> None:
    slack = http_env.slack
    dm = slack.dm_channel("U1")
    ack = await slack.slash_command("U1", dm, "/til", "a note to share once")
    await http_env.settle()
    [item] = await http_env.items()
    press = copy.deepcopy((await interaction_payloads(http_env))["block_actions"])
    press["actions"][0]["value"] = item["id"]
    body, content_type = encode_body("interactive", press)
    captured = signed_headers(slack.signing_secret, body, content_type, None)
    before = len(slack.responses)
    for _ in range(3):
        status, _, _ = await slack.send_raw(body, captured)
        assert status == 200
    await http_env.settle()
    assert ack.status == 200
    assert len(slack.responses) == before + 1  # one answer to one press


SLOW_BODY = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\nhello"


async def open_slow(port: int, count: int, request: bytes) -> list[asyncio.Task[bytes]]:
    """`count` connections, once all are open, that send `request` and then nothing: each task
    ends with what the server answered when it closed the connection."""
    opened = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", port) for _ in range(count))
    )

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
        try:
            writer.write(request)
            return await reader.read()
        except OSError:
            return b"closed"
        finally:
            writer.close()

    return [asyncio.create_task(slow(*pair)) for pair in opened]


def stop(bot: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as people stop it; SIGKILL if it does not stop (a failed run)."""
    bot.send_signal(signal.SIGTERM)
    try:
        bot.wait(timeout=20)
    except subprocess.TimeoutExpired:
        bot.kill()
        bot.wait()


async def healthz(port: int) -> int:
    # Generous: on a loaded machine a SYN dropped from a full accept queue is resent after 1 s,
    # 3 s, 7 s; reachability is the question here, not speed.
    timeout = aiohttp.ClientTimeout(total=15)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status


async def test_slow_clients_do_not_take_the_bot_down(tmp_path: Path) -> None:
    """Far more slow connections than the bot may open files: it stays reachable, drops the
    slow ones, and says so once."""
    db, port, log = tmp_path / "slow.db", free_port(), tmp_path / "bot.log"
    async with LocalSlack() as slack:
        populate(slack)
        slack.deliver_http(f"http://127.0.0.1:{port}/slack/events", retry_delays=(), timeout=15.0)
        settings = {"SERENDIP_HTTP_READ_TIMEOUT": "2"}
        with log.open("wb") as stderr:
            bot = start(
                slack, db, port, settings=settings, preexec_fn=open_files_limit(256), stderr=stderr
            )
            try:
                await wait_healthy(port)
                slow = await open_slow(port, 200, SLOW_BODY)
                slow += await open_slow(port, 200, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                assert await healthz(port) == 200
                await slack.post_message("U1", "C1", "still here <https://up.example/>")
                assert slack.deliveries[-1].statuses == [200]
                unparsable = b"GET /healthz HTTP/1.1\r\nX-Big: " + b"x" * 10_000 + b"\r\n\r\n"
                answers = await asyncio.gather(*await open_slow(port, 50, unparsable))
                assert all(a.split(b" ")[1:2] == [b"400"] for a in answers), answers[0][:40]
                dropped = await asyncio.wait_for(asyncio.gather(*slow), timeout=20)
                assert len(dropped) == 400  # every slow connection was closed by the bot
                assert await healthz(port) == 200
                await wait_handled(db)
            finally:
                stop(bot)
    text = log.read_text(errors="replace")
    assert text.count("out of system resource") <= 1, text[:2000]
    assert text.count("slow or idle ones") <= 1, text[:2000]
    assert text.count("LineTooLong") <= 1, text[:2000]
    assert "Traceback" not in text, text[:2000]
    conn = sqlite3.connect(db)
    urls = [row[0] for row in conn.execute("SELECT url FROM items")]
    conn.close()
    assert urls == ["https://up.example/"]
