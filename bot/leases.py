"""Which inbox events this process may handle: all of them (SQLite), or its leased partitions.

Every event belongs to one of `PARTS` partitions (`bot.envelopes.part_of`: a stable hash of
the message or channel it is about). On SQLite one process serves the file and owns every
partition without asking (`SoleOwner`). On PostgreSQL any number of replicas share the inbox
(`PartitionLeases`): each holds a lease on a fair share of the partitions and renews it every
few seconds; a partition whose lease ran out (its replica was killed, or lost the database) is
taken over with a new epoch. Events of one partition are handled by one replica at a time, in
inbox order; a replica marks an event done only while its epoch is the lease's, so one that
lost a partition cannot pass off a takeover's work as its own.

A replica that holds more than its share (another one joined) stops taking events of the
surplus partitions, waits until those it took are finished, and only then gives them back:
no event is ever being handled by two replicas at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import Protocol

from bot.envelopes import part_of
from bot.later import cancel_and_wait
from bot.store import Store, is_storage_error

log = logging.getLogger(__name__)
LEASE_SECONDS = 15.0
RENEW_EVERY = 1.0  # seconds at most between renewals (a third of the lease when that is less)
Row = tuple[int, int, str]  # an inbox event: (seq, partition, body)


class Claims(Protocol):
    """What the inbox worker asks about the partitions it may handle."""

    # Grows when partitions are gained or held again after a lapse: the worker drops what it
    # queued and reads the inbox afresh, so a partition's events keep their order.
    generation: int
    shared: bool  # other processes handle this inbox too (and store events out of order)
    busy: Callable[[int], bool]  # set by the worker: whether it still has events of a partition

    async def start(self) -> None:
        """Take this process's partitions before the first read."""

    async def stop(self) -> None:
        """Give every partition back (the worker has stopped)."""

    async def pending(self, after: int, limit: int) -> list[Row]:
        """Unhandled events of this process's partitions after `after`, oldest first."""

    def holds(self, part: int) -> int | None:
        """The epoch of this process's lease of `part`, or None if it may not handle it now."""

    async def finish(self, seq: int, part: int, epoch: int, outcome: str | None) -> bool:
        """Mark an event handled (or failed); False if the partition was taken over."""


class SoleOwner:
    """SQLite's one process: every partition is its own, nothing is asked of the database."""

    generation = 0
    shared = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.busy: Callable[[int], bool] = lambda part: False

    async def start(self) -> None:
        """Nothing to take: everything is this process's."""

    async def stop(self) -> None:
        """Nothing to give back."""

    async def pending(self, after: int, limit: int) -> list[Row]:
        """Every unhandled event after `after`, with its partition."""
        rows = await self.store.pending_events(after, limit)
        return [(seq, part_of(body), body) for seq, body in rows]

    def holds(self, part: int) -> int | None:
        """Always: epoch 0."""
        return 0

    async def finish(self, seq: int, part: int, epoch: int, outcome: str | None) -> bool:
        """Mark the event handled."""
        await self.store.finish_event(seq, outcome)
        return True


def replica_name() -> str:
    """This process's name among the replicas: host, process id and a random tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class PartitionLeases:
    """PostgreSQL's replicas: this one's leased partitions, renewed in the background."""

    shared = True

    def __init__(
        self,
        store: Store,
        seconds: float = LEASE_SECONDS,
        replica: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.seconds = seconds
        self.replica = replica or replica_name()
        self.clock = clock  # local time, to stop handling before the lease can run out
        self.generation = 0
        self.busy: Callable[[int], bool] = lambda part: False
        self._held: dict[int, int] = {}  # partition -> epoch
        self._releasing: set[int] = set()
        self._valid_until = 0.0
        self._task: asyncio.Task[None] | None = None

    @property
    def every(self) -> float:
        """Seconds between renewals: well within the lease."""
        return min(RENEW_EVERY, self.seconds / 3)

    async def start(self) -> None:
        """Take a first share now, then renew in the background."""
        await self._renew_quietly()
        self._task = asyncio.create_task(self._loop(), name="inbox-leases")

    async def stop(self) -> None:
        """Stop renewing and free this replica's partitions for the others at once."""
        await cancel_and_wait(self._task)
        self._task = None
        self._held, self._valid_until = {}, 0.0
        try:
            await self.store.forget_replica(self.replica)
        except Exception as exc:
            if not is_storage_error(exc):
                raise
            log.warning("could not give back the inbox partitions (they expire): %s", exc)

    async def pending(self, after: int, limit: int) -> list[Row]:
        """Unhandled events of the partitions held now, oldest first."""
        parts = [part for part in sorted(self._held) if self.holds(part) is not None]
        if not parts:
            return []
        return await self.store.pending_events_in(parts, after, limit)

    def holds(self, part: int) -> int | None:
        """The lease's epoch while it is surely still ours (a third of it before it could run
        out) and not being given back; else None."""
        if part in self._releasing or self.clock() >= self._valid_until:
            return None
        return self._held.get(part)

    async def finish(self, seq: int, part: int, epoch: int, outcome: str | None) -> bool:
        """Mark an event handled, fenced by the lease's epoch."""
        if await self.store.finish_leased_event(seq, part, epoch, outcome):
            return True
        log.warning("event %s: partition %s was taken over; its new owner handles it", seq, part)
        return False

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await self._renew_quietly()

    async def _renew_quietly(self) -> None:
        # Never fatal: without renewals the leases lapse, and this replica stops handling
        # events (others take them over) until a renewal succeeds again.
        try:
            await self._renew()
        except Exception as exc:
            if not is_storage_error(exc):
                log.exception("could not renew the inbox leases (retrying)")
                return
            log.warning("could not renew the inbox leases (retrying): %s", exc)

    async def _renew(self) -> None:
        """Renew, take up to a fair share, and give back a surplus nobody here is busy with."""
        started = self.clock()
        held, share = await self.store.renew_leases(self.replica, self.seconds)
        fresh = dict(held)
        lapsed = self.clock() >= self._valid_until  # events were skipped meanwhile
        if lapsed or any(self._held.get(part) != epoch for part, epoch in fresh.items()):
            self.generation += 1  # gained partitions, or held again: read them afresh
        self._held = fresh
        self._releasing &= fresh.keys()
        self._valid_until = started + self.seconds * 2 / 3
        surplus = len(fresh) - share - len(self._releasing)
        if surplus > 0:
            keep = [part for part in sorted(fresh) if part not in self._releasing]
            self._releasing.update(keep[-surplus:])
        idle = sorted(part for part in self._releasing if not self.busy(part))
        if idle:
            await self.store.release_leases(self.replica, idle)
            for part in idle:
                self._releasing.discard(part)
                self._held.pop(part, None)


def claims_for(store: Store, seconds: float = LEASE_SECONDS) -> Claims:
    """Leases where several processes may share the database, else sole ownership."""
    return PartitionLeases(store, seconds) if store.shared else SoleOwner(store)
