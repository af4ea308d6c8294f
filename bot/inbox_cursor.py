"""Where the inbox worker reads from, and which events it has taken already.

The worker reads its partitions' pending events in inbox order, from a position on. An event
it queued stays pending in the database until it is handled, so a read from the start again
finds it: the cursor remembers what it took and skips it. Reading from the start again is
needed when partitions are gained (their older events), and, where other processes write
(PostgreSQL's replicas), now and then: an event another replica stored may become visible
after a later one was already read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container

from bot.leases import Claims, Row

FETCH_LIMIT = 500  # events per read, beyond those taken already
RESCAN_EVERY = 1.0  # seconds between reads from the start where other processes write


class Cursor:
    """The worker's reading position and the events it holds (queued or being handled)."""

    def __init__(self, claims: Claims) -> None:
        self.claims = claims
        self.after = 0
        self._taken: set[int] = set()
        self._busy: Counter[int] = Counter()  # events taken, per partition
        self._rescanned = 0.0
        claims.busy = lambda part: self._busy[part] > 0  # none left: it may be given back

    def restart(self) -> None:
        """Read from the oldest pending event on."""
        self.after = 0

    @property
    def limit(self) -> int:
        """How many rows the next read asks for: past those taken, so that it progresses."""
        return FETCH_LIMIT + len(self._taken)

    async def read(self) -> list[Row]:
        """The next pending events of this process's partitions, oldest first."""
        return await self.claims.pending(self.after, self.limit)

    def take(self, rows: list[Row], skip: Container[int]) -> list[Row]:
        """The rows not taken yet (nor in `skip`), now taken; the cursor moves past them all."""
        fresh = []
        for seq, part, body in rows:
            self.after = seq
            if seq in skip or seq in self._taken:
                continue
            self._taken.add(seq)
            self._busy[part] += 1
            fresh.append((seq, part, body))
        return fresh

    def release(self, seq: int, part: int) -> None:
        """An event taken is finished with (handled, or left for a retry or another replica)."""
        self._taken.discard(seq)
        self._busy[part] -= 1

    def rescan(self, now: float) -> bool:
        """Read from the start again if other processes write and it is time; True if so."""
        if not self.claims.shared or self.after == 0 or now - self._rescanned < RESCAN_EVERY:
            return False
        self.after, self._rescanned = 0, now
        return True
