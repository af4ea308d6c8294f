"""Fixtures for the local Slack tests: a populated workspace, a client, an HTTP bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack
from tests.support.localslack import HttpBot


@pytest.fixture
async def slack() -> AsyncIterator[LocalSlack]:
    """A started local Slack with three people, a public and a private channel."""
    async with LocalSlack() as s:
        s.add_user("U1", name="ana", real_name="Ana Lima", tz="Europe/Lisbon")
        s.add_user("U2", name="bo", real_name="Bo Chen", tz="Asia/Tokyo", is_admin=True)
        s.add_user("U3", name="cy", real_name="Cy Ode")
        s.add_channel("C1", name="general", members=["U1", "U2"])
        s.add_channel("G1", name="secret", members=["U1"])
        s.add_channel("C2", name="random", members=["U1", "U2"], bot_member=False)
        s.deliver_socket(ack_timeout=0.3, connect_timeout=0.3)
        yield s


@pytest.fixture
async def client(slack: LocalSlack) -> AsyncIterator[AsyncWebClient]:
    """The real slack_sdk client pointed at the local Slack with the bot token."""
    c = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    yield c
    if c.session is not None:
        await c.session.close()


@pytest.fixture
async def http_bot(slack: LocalSlack) -> AsyncIterator[HttpBot]:
    """An HTTP bot that the local Slack delivers to."""
    bot = HttpBot()
    await bot.start()
    slack.deliver_http(bot.url, retry_delays=(0.0, 0.02, 0.05), timeout=0.5)
    yield bot
    await bot.stop()
