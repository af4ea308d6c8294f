"""The leases area of `Store`: which replica handles which inbox partition (PostgreSQL's
replicas; SQLite's one process owns them all without asking)."""

from __future__ import annotations

from typing import Any

from bot.envelopes import PARTS
from bot.store.plumbing import Plumbing
from bot.store.sql import leases
from bot.store.sql.leases import Lease


class LeaseActions(Plumbing):
    """Domain actions for partition leases; mixed into `Store`, which provides the plumbing."""

    async def renew_leases(self, replica: str, seconds: float) -> tuple[list[Lease], int]:
        """Say this replica is alive, renew its leases for `seconds` and take free or expired
        partitions up to its fair share; (what it holds, its share)."""
        now = self._clock()

        def run(db: Any) -> tuple[list[Lease], int]:
            self._sql(leases.beat)(db, replica, now)
            live = self._sql(leases.live_replicas)(db, now - seconds)
            share = -(-PARTS // max(1, live))  # rounded up: together they cover every one
            held = self._sql(leases.claim_partitions)(db, replica, share, now, now + seconds)
            return held, share

        return await self._write(run)

    async def release_leases(self, replica: str, parts: list[int]) -> None:
        """Give partitions back for other replicas to take."""
        await self._write(leases.release_partitions, replica, parts)

    async def forget_replica(self, replica: str) -> None:
        """A replica stops cleanly: its leases are free at once."""
        await self._write(leases.forget_replica, replica)

    async def partition_owners(self) -> list[tuple[int, str | None, float, int]]:
        """Every partition's lease: (partition, owner, expires at, epoch)."""
        return await self._read(leases.partition_owners)
