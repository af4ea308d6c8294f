"""A database that cannot write: acknowledged events wait and are handled once it can again,
new events are refused, `/healthz` says why, and commands answer with a sentence."""

from __future__ import annotations

import asyncio

from handlers.commands.errors import STORE_FAILED
from tests.support.bot import Env
from tests.support.storefaults import (
    fill_disk,
    health,
    long_message,
    make_read_only,
    make_room,
)


async def wait_for_status(env: Env, status: int) -> dict[str, object]:
    """Until `/healthz` answers `status` (the bot retries and probes on its own timers)."""
    async with asyncio.timeout(20):
        while True:
            code, body = await health(env.port)
            if code == status:
                return body
            await asyncio.sleep(0.02)


async def test_events_wait_out_a_full_disk_and_none_is_lost(env: Env) -> None:
    if env.mode == "http":  # Slack's own pace of retries, not the fixture's quick one
        env.slack.deliver_http(
            f"http://127.0.0.1:{env.port}/slack/events", retry_delays=(0.5, 2.0, 6.0)
        )
    await env.inbox.stop()  # acknowledged and stored, not handled yet
    await env.slack.post_message("U1", "C1", long_message("https://a.example/one"))
    await env.slack.wait_idle()
    assert len(await env.store.pending_events()) == 1
    await fill_disk(env.store)
    env.inbox.start()
    body = await wait_for_status(env, 503)
    assert "database or disk is full" in str(body["reason"])
    assert await env.store.failed_events() == []  # a full disk is not a listener bug
    assert len(await env.store.pending_events()) == 1
    # While the store cannot write, a new event is not acknowledged: Slack sends it again.
    posted = asyncio.create_task(env.slack.post_message("U2", "C1", "<https://b.example/two>"))
    async with asyncio.timeout(10):
        while not any(d.statuses for d in env.slack.deliveries[1:]):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    first_try = env.slack.deliveries[1]
    assert not first_try.acked
    if env.mode == "http":
        assert first_try.statuses[0] == 503
    await make_room(env.store)
    await posted
    await env.slack.wait_idle(timeout=30)
    await env.inbox.drain()
    urls = {item["url"] for item in await env.store.export_items()}
    assert urls == {"https://a.example/one", "https://b.example/two"}
    assert await env.store.failed_events() == []
    assert (await health(env.port))[0] == 200


async def test_til_answers_with_a_sentence_when_the_disk_is_full(env: Env) -> None:
    await fill_disk(env.store)
    # Near /til's 4,000 characters, all different words: its rows and index entries need new
    # pages (a learning with a link is now one item, so 200 words fitted in the pages left).
    ack = await env.slack.slash_command(
        "U1", "C1", "/til", long_message("https://c.example/", words=280)
    )
    assert ack.status == 200
    assert ack.body is not None
    assert ack.body["text"] == STORE_FAILED
    await make_room(env.store)
    ack = await env.slack.slash_command("U1", "C1", "/til", "a lesson that fits")
    assert ack.body is not None
    assert "Saved your learning" in str(ack.body["text"])


async def test_a_read_only_database_fails_health_and_commands_say_why(env: Env) -> None:
    assert (await health(env.port))[0] == 200
    await make_read_only(env.store)
    ack = await env.slack.slash_command("U1", "C1", "/til", "a lesson")
    assert ack.status == 200
    assert ack.body is not None
    assert ack.body["text"] == STORE_FAILED
    body = await wait_for_status(env, 503)
    assert body["ok"] is False
    assert body["reason"] == "the database cannot be written: attempt to write a readonly database"
