"""One leader for the scheduled jobs among replicas: digests, re-routing, the pulse, link health,
housekeeping and retention, and the link fetcher (so its politeness limits hold for the whole
deployment), run in exactly one process at a time.

Every `poll` seconds a replica that does not lead tries the store's leader lock (PostgreSQL: an
advisory lock; SQLite: its one process always leads). The winner records itself with a new
epoch, the fencing token its digest claims carry, and starts the jobs; on PostgreSQL the
leader checks each poll that it still holds the lock and that no newer epoch exists, and stops
its jobs when not.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from bot.later import cancel_and_wait
from bot.store import Store
from bot.store.leadership import LeaderLock

log = logging.getLogger(__name__)
Stop = Callable[[], Awaitable[None]]


def holder_name() -> str:
    """This process, as the leader's row names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Leader:
    """Runs `lead(epoch)` while this process leads, and the stop it returned when it no longer
    does."""

    def __init__(
        self,
        store: Store,
        lock: LeaderLock,
        lead: Callable[[int], Stop],
        poll: float,
        holder: str | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.store, self.lock, self.lead, self.poll = store, lock, lead, poll
        self.holder = holder or holder_name()
        self.sleep = sleep
        self.epoch: int | None = None
        self._stop: Stop | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin trying to lead, in the background."""
        self._task = asyncio.create_task(self._run(), name="serendip-leader")

    async def _run(self) -> None:
        while True:
            await self.step()
            await self.sleep(self.poll)

    async def step(self) -> None:
        """One poll: take the lead if it is free, or check that it is still ours."""
        try:
            if self.epoch is None:
                await self._try_to_lead()
            elif not await self._still_leading(self.epoch):
                await self._step_down("lost the leader lock or a newer leader exists")
        except Exception as exc:  # the store or the lock failed: lead no longer
            if self.epoch is not None:
                await self._step_down(f"cannot confirm the lead: {exc}")
            else:
                log.warning("cannot try to lead the scheduled jobs: %s", exc)
                # The lock may be ours already (the store failed after it was taken): holding
                # it without leading would keep every other replica from leading.
                await asyncio.to_thread(self.lock.release)

    async def _try_to_lead(self) -> None:
        if not await asyncio.to_thread(self.lock.try_acquire):
            return
        epoch = await self.store.become_leader(self.holder)
        log.info("leading the scheduled jobs (epoch %s, %s)", epoch, self.holder)
        self.epoch = epoch
        self._stop = self.lead(epoch)

    async def _still_leading(self, epoch: int) -> bool:
        if not self.store.shared_by_replicas:
            # SQLite: one process serves the file, nobody can succeed it, and a failing disk
            # must not stop its jobs (nor cost a write every poll).
            return True
        if not await asyncio.to_thread(self.lock.holds):
            return False
        return await self.store.renew_leadership(epoch)

    async def _step_down(self, why: str) -> None:
        log.warning("no longer leading the scheduled jobs (epoch %s): %s", self.epoch, why)
        self.epoch = None
        if self._stop is not None:
            stop, self._stop = self._stop, None
            await stop()
        # A replica that cannot confirm its lead lets go of the lock too: another may lead.
        await asyncio.to_thread(self.lock.release)

    async def stop(self) -> None:
        """Stop trying, stop the jobs if leading, and let another replica lead at once."""
        await cancel_and_wait(self._task)
        if self._stop is not None:
            stop, self._stop = self._stop, None
            await stop()
        self.epoch = None
        await asyncio.to_thread(self.lock.release)
