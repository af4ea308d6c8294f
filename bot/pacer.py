"""Pacing the bot's posts: `SERENDIP_SEND_RATE` posts a minute for the workspace, all kinds
together, and at most one a second per channel (Slack's own limit for chat.postMessage)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse


class Pacer:
    """At most `per_minute` posts for the workspace and one per second per channel.

    Each post reserves the next free slot before it sleeps, so concurrent senders never
    exceed the rate; a 429 pushes every slot past its Retry-After.
    """

    def __init__(
        self,
        per_minute: int,
        per_channel: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute
        self.per_channel = per_channel
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._channels: dict[str, float] = {}

    def reserve(self, channel: str, per_channel: float | None = None) -> float:
        """Book the next slot for a post to `channel`; returns how long to wait for it."""
        now = self.clock()
        slot = max(now, self._next, self._channels.get(channel, 0.0))
        self._next = slot + self.interval
        gap = self.per_channel if per_channel is None else per_channel
        self._channels[channel] = max(self._channels.get(channel, 0.0), slot + gap)
        return slot - now

    async def wait(self, channel: str, per_channel: float | None = None) -> None:
        """Wait for this post's slot, and past any 429 pause that began meanwhile."""
        delay = self.reserve(channel, per_channel)
        if delay > 0:
            await self.sleep(delay)
        while (left := self._paused_until - self.clock()) > 0:
            await self.sleep(left)

    def pause(self, seconds: float) -> None:
        """Slack said 429: no post before `seconds` from now."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        self._next = max(self._next, self._paused_until)


class PacedClient(AsyncWebClient):
    """A Web API client whose chat.postMessage waits for the pacer's next slot, so cards,
    notes and direct messages share the send rate with digests."""

    pacer: Pacer | None = None

    async def chat_postMessage(self, *, channel: str, **kwargs: Any) -> AsyncSlackResponse:
        """Post once the pacer allows it."""
        if self.pacer is not None:
            # A card and its note may follow each other at once (Slack allows short bursts);
            # only the workspace rate holds them back.
            await self.pacer.wait(channel, per_channel=0.0)
        return await super().chat_postMessage(channel=channel, **kwargs)
