"""The leadership area of `Store`: who runs the scheduled jobs, and the deployment's send pace."""

from __future__ import annotations

from typing import Protocol

from bot.store.plumbing import Plumbing
from bot.store.sql import leadership


class LeaderLock(Protocol):
    """What decides the one leader among replicas (blocking calls: run them off the loop)."""

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this process holds it now."""
        ...

    def holds(self) -> bool:
        """Whether this process still holds the lock (False once its connection is lost)."""
        ...

    def release(self) -> None:
        """Let another process lead."""
        ...


class SoleProcess:
    """SQLite: one process serves the database, so it always leads."""

    def try_acquire(self) -> bool:
        """The one process takes the lead at once."""
        return True

    def holds(self) -> bool:
        """Nobody can take it away."""
        return True

    def release(self) -> None:
        """Nothing to let go of."""


class LeadershipActions(Plumbing):
    """Domain actions for the scheduler's leader; mixed into `Store`."""

    @property
    def shared_by_replicas(self) -> bool:
        """Whether several processes may serve this database at once (PostgreSQL replicas)."""
        return self._backend == "postgresql"

    def leader_lock(self) -> LeaderLock:
        """The lock that decides who leads (PostgreSQL: an advisory lock of its own)."""
        return SoleProcess()

    async def become_leader(self, holder: str) -> int:
        """Record `holder` as the leader; returns its epoch, the fencing token of its claims."""
        return await self._write(leadership.become_leader, holder, self._clock())

    async def renew_leadership(self, epoch: int) -> bool:
        """Note that the leader of `epoch` still leads; False when another has led since."""
        return await self._write(leadership.renew_leadership, epoch, self._clock())

    async def current_leader(self) -> tuple[str, int, float] | None:
        """(holder, epoch, renewed at) of the leader, None before any."""
        return await self._read(leadership.current_leader)

    async def reserve_send_slot(self, key: str, interval: float, now: float) -> float:
        """Book the deployment's next send slot under `key`; returns its time."""
        return await self._write(leadership.reserve_send_slot, key, interval, now)

    async def push_send_slots(self, key: str, until: float) -> None:
        """No send slot under `key` before `until` (Slack asked every sender to wait)."""
        await self._write(leadership.push_send_slots, key, until)
