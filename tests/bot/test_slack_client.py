"""The Web API client: reads retried after 429 and server errors; posts only after 429."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from bot.pacer import PacedClient, Pacer
from bot.slack_client import make_client
from jobs.delivery import without_rate_limit_retries
from localslack import LocalSlack
from tests.support.bot import bot_config, populate, start_bot


async def test_reads_retried_after_429_and_5xx() -> None:
    async with LocalSlack() as slack:
        slack.add_channel("C1", name="general", members=[], bot_member=True)
        client = make_client(slack.bot_token, slack.api_url)
        slack.rate_limit("conversations.history", times=1, retry_after=0)
        slack.fail_next("conversations.info", error="internal_error", status=500, times=1)
        assert (await client.conversations_history(channel="C1"))["ok"]
        assert (await client.conversations_info(channel="C1"))["ok"]
        assert len(slack.calls_of("conversations.history")) == 2
        assert len(slack.calls_of("conversations.info")) == 2


async def test_posts_retried_after_429_but_never_after_5xx() -> None:
    async with LocalSlack() as slack:
        slack.add_channel("C1", name="general", members=[], bot_member=True)
        client = make_client(slack.bot_token, slack.api_url)
        slack.rate_limit("chat.postMessage", times=1, retry_after=0)
        assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"]
        assert len(slack.calls_of("chat.postMessage")) == 2  # 429 means Slack did not act
        slack.fail_next("chat.postMessage", error="internal_error", status=500, times=1)
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C1", text="maybe landed")
        assert len(slack.calls_of("chat.postMessage")) == 3  # not sent a second time


async def test_wrong_token_is_an_error_not_a_retry() -> None:
    async with LocalSlack() as slack:
        client = make_client("xoxb-wrong", slack.api_url)
        with pytest.raises(SlackApiError) as info:
            await client.auth_test()
        assert info.value.response["error"] == "invalid_auth"
        assert len(slack.calls_of("auth.test")) == 1


async def test_every_post_keeps_to_the_shared_send_rate() -> None:
    """Cards, notes and DMs wait for the same pacer as digests (which pace themselves)."""
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pacer = Pacer(60, clock=lambda: now[0], sleep=sleep)  # one post a second, workspace-wide
    async with LocalSlack() as slack:
        slack.add_channel("C1", name="general", members=[], bot_member=True)
        slack.add_channel("C2", name="random", members=[], bot_member=True)
        client = make_client(slack.bot_token, slack.api_url, pacer=pacer)
        for channel in ("C1", "C1", "C2"):
            assert (await client.chat_postMessage(channel=channel, text="hi"))["ok"]
        assert waits == [1.0, 1.0]  # the rate, not the per-channel second, spaces them
        digests = without_rate_limit_retries(client)
        await digests.chat_postMessage(channel="C1", text="a digest")
        assert waits == [1.0, 1.0]  # the deliverer waits on the pacer itself
        assert isinstance(client, PacedClient)
        assert client.pacer is pacer


async def test_listeners_post_through_the_paced_client(tmp_path: Path) -> None:
    """Bolt builds a new client per request; the app gives its listeners the paced one."""
    async with LocalSlack() as slack:
        populate(slack)
        config = bot_config(slack, tmp_path / "bot.db", "http", SERENDIP_SEND_RATE="60")
        runner, _store, _port, inbox = await start_bot(slack, config, "http")
        try:
            started = time.perf_counter()
            for channel in ("C1", "C2"):  # one post a second for the workspace
                await slack.slash_command("U1", channel, "/til", f"paced in {channel}")
            await inbox.drain()
            cards = [c for c in slack.calls_of("chat.postMessage") if "paced" in str(c.args)]
            assert len(cards) == 2
            assert time.perf_counter() - started >= 0.9
        finally:
            await runner.cleanup()
