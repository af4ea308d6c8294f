"""A workspace's send rate across the deployment: replicas on one PostgreSQL database share one
`SERENDIP_SEND_RATE` per workspace, whichever of them posts (digests from the leader, cards and
notes from any).

Each post books the deployment's next free slot in the store (`send_pace`, one row update that
returns it), so the rate holds across processes as `Pacer`'s in-process slots hold it across
tasks. A 429 pushes the shared slots past its Retry-After for every replica. The one-a-second
limit per channel stays in-process: a channel's posts come from the replica handling it.
Slots are wall-clock times: replicas' clocks are assumed to agree (NTP) to well under a second.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.pacer import Pacer
from bot.store import Store

log = logging.getLogger(__name__)
GLOBAL = "global"  # the key in send_pace when one rate serves every workspace


class SharedPacer(Pacer):
    """A `Pacer` whose workspace-wide slots come from the store, for every replica at once."""

    def __init__(
        self,
        store: Store,
        per_minute: int,
        per_channel: float = 1.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        key: str = GLOBAL,
    ) -> None:
        super().__init__(per_minute, per_channel, clock, sleep)
        self.store, self.key = store, key
        self._pushes: set[asyncio.Task[None]] = set()

    async def wait(self, channel: str, per_channel: float | None = None) -> None:
        """Book the deployment's next slot, wait for it and for this channel's own."""
        now = self.clock()
        try:
            slot = await self.store.reserve_send_slot(self.key, self.interval, now)
        except Exception as exc:  # the database is away: pace within this process meanwhile
            log.warning("cannot book a shared send slot (%s); pacing this process alone", exc)
            await super().wait(channel, per_channel)
            return
        gap = self.per_channel if per_channel is None else per_channel
        slot = max(slot, self._channels.get(channel, 0.0))
        self._channels[channel] = slot + gap
        if slot > now:
            await self.sleep(slot - now)
        while (left := self._paused_until - self.clock()) > 0:
            await self.sleep(left)

    def pause(self, seconds: float) -> None:
        """Slack said 429: no post before `seconds` from now, here and in every replica."""
        super().pause(seconds)
        task = asyncio.get_running_loop().create_task(
            self.store.push_send_slots(self.key, self._paused_until)
        )
        self._pushes.add(task)  # kept until done: a task nobody holds may be collected
        task.add_done_callback(self._pushes.discard)

    async def written(self) -> None:
        """Until every 429 pause heard so far is in the store (tests)."""
        await asyncio.gather(*self._pushes, return_exceptions=True)
