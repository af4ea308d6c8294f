"""The interaction graph area of `Store`: counts of who interacted with whom, and activity.

Both are written from the inbox worker (never on the acknowledgement path), one write per
event at most, so they ride in the writer's group commits with the event's other writes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from bot.store.plumbing import Plumbing
from bot.store.sql import digests, interactions
from bot.store.sql.interactions import Interaction, oldest_kept_week

# Activity counts over 28 days: noting a person again within the hour changes nothing a
# reader can see, so it is not written again (a busy channel would otherwise add a write
# per message).
ACTIVITY_GRAIN = 3600.0
NDA_REMEMBERED = 20_000  # recent `!nda` messages held in memory, never stored


class GraphActions(Plumbing):
    """Domain actions for the interaction graph; mixed into `Store`."""

    _noted: dict[tuple[str, str], float]  # when a person's activity was last written
    _nda: OrderedDict[tuple[str, str, str], None]

    async def record_interactions(
        self, team_id: str, counts: Sequence[Interaction], active: Iterable[str] = ()
    ) -> None:
        """Add interaction counts and note people as active, in one write (nothing when there
        is nothing new); counts of weeks already past retention are not kept."""
        now = self._clock()
        oldest = oldest_kept_week(now)
        kept = [c for c in counts if c.week >= oldest]
        people = [p for p in dict.fromkeys(active) if self._activity_due(team_id, p, now)]
        if not kept and not people:
            return

        def write(db: Database) -> None:
            self._sql(interactions.add_interactions)(db, team_id, kept)
            for person in people:
                self._sql(digests.note_activity)(db, team_id, person, now)

        await self._write(write)

    def _activity_due(self, team_id: str, user_id: str, now: float) -> bool:
        last = self._noted.get((team_id, user_id))
        if last is not None and 0 <= now - last < ACTIVITY_GRAIN:
            return False
        self._noted[(team_id, user_id)] = now
        return True

    async def interaction_counts(self, team_id: str) -> list[Interaction]:
        """Every count of a workspace, oldest week first."""
        return await self._read(interactions.interaction_counts, team_id)

    async def prune_interactions(self, now: float) -> int:
        """Drop counts older than 26 weeks; returns how many rows went."""
        return await self._write(interactions.prune_interactions, oldest_kept_week(now))

    def remember_nda(self, team_id: str, channel: str, ts: str) -> None:
        """A message marked `!nda` was seen: reactions on it and replies under it add no
        count. Held in memory only (bounded), so nothing about the message is stored."""
        self._nda[(team_id, channel, ts)] = None
        self._nda.move_to_end((team_id, channel, ts))
        while len(self._nda) > NDA_REMEMBERED:
            self._nda.popitem(last=False)

    def is_nda(self, team_id: str, channel: str, ts: str) -> bool:
        """Whether this process saw that message marked `!nda`."""
        return (team_id, channel, ts) in self._nda
