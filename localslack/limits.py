"""Posting rate limits: a sliding-minute workspace cap and a per-channel token bucket."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
WINDOW = 60.0
EPSILON = 1e-9
MINUTE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
CHANNEL_METHODS = frozenset({"chat.postMessage"})


@dataclass
class Bucket:
    """One channel's token bucket: tokens left as of stamp."""

    tokens: float
    stamp: float


class PostLimits:
    """Decides whether a chat call may run now and remembers the calls that did."""

    def __init__(self) -> None:
        """Start with both limits off."""
        self.per_minute: int | None = None
        self.per_channel: float | None = None
        self.clock: Clock = time.monotonic
        self.refused = 0
        self._sent: deque[float] = deque()
        self._buckets: dict[str, Bucket] = {}

    def configure(
        self, per_minute: int | None, per_channel_per_second: float | None, clock: Clock | None
    ) -> None:
        """Set both limits (None: off) and the clock; forget earlier calls."""
        if per_minute is not None and per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        if per_channel_per_second is not None and not per_channel_per_second > 0:
            raise ValueError("per_channel_per_second must be positive")
        self.per_minute = per_minute
        self.per_channel = per_channel_per_second
        self.clock = clock if clock is not None else time.monotonic
        self._sent.clear()
        self._buckets.clear()

    def needs_channel(self, method: str) -> bool:
        """True when the per-channel limit applies to this method."""
        return self.per_channel is not None and method in CHANNEL_METHODS

    def check(self, method: str, channel: str | None) -> int | None:
        """Seconds to wait (an integer, at least 1) if the call must be refused, else None."""
        now = self.clock()
        wait = max(self._minute_wait(method, now), self._channel_wait(method, channel, now))
        if wait <= EPSILON:
            return None
        self.refused += 1
        return max(1, math.ceil(wait - EPSILON))

    def record(self, method: str, channel: str | None) -> None:
        """Count a call that ran against the limits that apply to it."""
        now = self.clock()
        if self.per_minute is not None and method in MINUTE_METHODS:
            self._sent.append(now)
        if channel is not None and self.needs_channel(method):
            self._bucket(channel, now).tokens -= 1.0

    def _minute_wait(self, method: str, now: float) -> float:
        """Time until the sliding minute has a free slot (0: free now)."""
        if self.per_minute is None or method not in MINUTE_METHODS:
            return 0.0
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        over = len(self._sent) - self.per_minute
        if over < 0:
            return 0.0
        return self._sent[over] + WINDOW - now

    def _channel_wait(self, method: str, channel: str | None, now: float) -> float:
        """Time until the channel's bucket holds a whole token (0: now)."""
        if self.per_channel is None or channel is None or not self.needs_channel(method):
            return 0.0
        bucket = self._bucket(channel, now)
        return 0.0 if bucket.tokens >= 1.0 - EPSILON else (1.0 - bucket.tokens) / self.per_channel

    def _bucket(self, channel: str, now: float) -> Bucket:
        """A channel's bucket, refilled up to now (a new channel's is full)."""
        rate = self.per_channel or 0.0
        capacity = max(1.0, rate)
        bucket = self._buckets.setdefault(channel, Bucket(capacity, now))
        bucket.tokens = min(capacity, bucket.tokens + max(0.0, now - bucket.stamp) * rate)
        bucket.stamp = max(bucket.stamp, now)
        return bucket
