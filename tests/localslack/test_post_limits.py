"""Posting rate limits: a sliding-minute workspace cap and a per-channel rate."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_client import make_client
from localslack import LocalSlack
from localslack.limits import PostLimits


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        """Start at an arbitrary instant."""
        self.now = now

    def __call__(self) -> float:
        """The current fake time."""
        return self.now


async def refused(call: Awaitable[Any]) -> SlackApiError:
    """Await a Web API call that must fail; return its error."""
    with pytest.raises(SlackApiError) as err:
        await call
    return err.value


async def test_off_by_default(slack: LocalSlack, client: AsyncWebClient) -> None:
    for i in range(30):
        await client.chat_postMessage(channel="C1", text=f"m{i}")
    assert len(slack.messages("C1")) == 30
    assert slack.rate_limited_count == 0


async def test_per_minute_limit_refuses_then_frees(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    clock = FakeClock()
    slack.set_post_limits(per_minute=3, clock=clock)
    first = await client.chat_postMessage(channel="C1", text="one")
    clock.now += 10
    await client.chat_postEphemeral(channel="C1", user="U1", text="two")
    await client.chat_update(channel="C1", ts=first["ts"], text="one, edited")
    clock.now += 5
    err = await refused(client.chat_postMessage(channel="G1", text="four"))
    assert err.response.status_code == 429
    assert err.response["error"] == "ratelimited"
    assert err.response["ok"] is False
    assert err.response.headers["Retry-After"] == "45"
    assert [m["text"] for m in slack.messages("C1")] == ["one, edited"]
    assert slack.messages("G1") == []
    assert slack.rate_limited_count == 1
    assert slack.calls_of("chat.postMessage")[-1].error == "ratelimited"
    clock.now += 44.5
    err = await refused(client.chat_postMessage(channel="C1", text="still early"))
    assert err.response.headers["Retry-After"] == "1"
    clock.now += 0.5
    await client.chat_postMessage(channel="C1", text="slot freed")
    clock.now += 60
    for i in range(3):
        await client.chat_postMessage(channel="C1", text=f"next minute {i}")
    assert slack.rate_limited_count == 2
    assert len(slack.messages("C1")) == 5


async def test_refused_calls_do_not_count(slack: LocalSlack, client: AsyncWebClient) -> None:
    clock = FakeClock()
    slack.set_post_limits(per_minute=1, clock=clock)
    await client.chat_postMessage(channel="C1", text="only")
    for _ in range(5):
        await refused(client.chat_postMessage(channel="C1", text="no"))
    assert slack.rate_limited_count == 5
    clock.now += 60
    await client.chat_postMessage(channel="C1", text="again")
    assert [m["text"] for m in slack.messages("C1")] == ["only", "again"]


async def test_failed_calls_do_not_count(slack: LocalSlack, client: AsyncWebClient) -> None:
    slack.set_post_limits(per_minute=1, clock=FakeClock())
    err = await refused(client.chat_postMessage(channel="C2", text="not a member"))
    assert err.response["error"] == "not_in_channel"
    await client.chat_postMessage(channel="C1", text="counts")
    assert slack.rate_limited_count == 0


async def test_per_channel_limit(slack: LocalSlack, client: AsyncWebClient) -> None:
    clock = FakeClock()
    slack.set_post_limits(per_channel_per_second=1, clock=clock)
    await client.chat_postMessage(channel="C1", text="a")
    err = await refused(client.chat_postMessage(channel="C1", text="b"))
    assert err.response.status_code == 429
    assert err.response["error"] == "ratelimited"
    assert err.response.headers["Retry-After"] == "1"
    await client.chat_postMessage(channel="G1", text="other channel")
    await client.chat_postEphemeral(channel="C1", user="U1", text="ephemeral is not limited")
    clock.now += 0.5
    await refused(client.chat_postMessage(channel="C1", text="c"))
    clock.now += 0.5
    await client.chat_postMessage(channel="C1", text="d")
    assert [m["text"] for m in slack.messages("C1")] == ["a", "d"]
    assert slack.rate_limited_count == 2


async def test_per_channel_limit_resolves_dm_by_user(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    slack.set_post_limits(per_channel_per_second=1, clock=FakeClock())
    opened = await client.conversations_open(users="U1")
    await client.chat_postMessage(channel="U1", text="by user id")
    await refused(client.chat_postMessage(channel=opened["channel"]["id"], text="by dm id"))
    assert slack.rate_limited_count == 1


async def test_limits_turn_off_and_validate(slack: LocalSlack, client: AsyncWebClient) -> None:
    slack.set_post_limits(per_minute=1, per_channel_per_second=1, clock=FakeClock())
    await client.chat_postMessage(channel="C1", text="one")
    await refused(client.chat_postMessage(channel="C1", text="two"))
    slack.set_post_limits()
    await client.chat_postMessage(channel="C1", text="three")
    assert slack.rate_limited_count == 1
    with pytest.raises(ValueError, match=r"^per_minute must be at least 1$"):
        slack.set_post_limits(per_minute=0)
    with pytest.raises(ValueError, match=r"^per_channel_per_second must be positive$"):
        slack.set_post_limits(per_channel_per_second=0)


async def test_bot_client_retries_after_the_wait(slack: LocalSlack) -> None:
    c = make_client(slack.bot_token, slack.api_url)
    slack.set_post_limits(per_channel_per_second=1)
    await c.chat_postMessage(channel="C1", text="first")
    await c.chat_postMessage(channel="C1", text="second")
    errors = [call.error for call in slack.calls_of("chat.postMessage")]
    assert errors == [None, "ratelimited", None]
    assert [m["text"] for m in slack.messages("C1")] == ["first", "second"]
    assert slack.rate_limited_count == 1
    if c.session is not None:
        await c.session.close()


def test_bucket_allows_a_burst_of_the_rate() -> None:
    clock = FakeClock()
    limits = PostLimits()
    limits.configure(None, 3.0, clock)
    for _ in range(3):
        assert limits.check("chat.postMessage", "C1") is None
        limits.record("chat.postMessage", "C1")
    assert limits.check("chat.postMessage", "C1") == 1
    clock.now += 1 / 3
    assert limits.check("chat.postMessage", "C1") is None
    limits.configure(None, 0.25, clock)
    limits.record("chat.postMessage", "C1")
    assert limits.check("chat.postMessage", "C1") == 4
