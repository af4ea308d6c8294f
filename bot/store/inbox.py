"""The inbox area of `Store`: delivered events, kept durably until they are handled."""

from __future__ import annotations

from typing import Any

from bot.envelopes import part_of
from bot.store.plumbing import Plumbing
from bot.store.sql import inbox


class InboxActions(Plumbing):
    """Domain actions for the event inbox; mixed into `Store`, which provides the plumbing."""

    async def enqueue_event(self, team_id: str, event_id: str, body: str) -> bool:
        """Durably keep a delivered event; False when this event id was delivered before."""
        part = part_of(body)
        return await self._write(inbox.enqueue_event, team_id, event_id, body, part, self._clock())

    async def pending_events(self, after: int = 0, limit: int = 200) -> list[tuple[int, str]]:
        """Unhandled events (sequence number, raw body), oldest first."""
        return await self._read(inbox.pending_events, after, limit)

    async def pending_events_in(
        self, parts: list[int], after: int = 0, limit: int = 200
    ) -> list[tuple[int, int, str]]:
        """Unhandled events of these partitions (sequence number, partition, raw body), oldest
        first."""
        return await self._read(inbox.pending_events_in, parts, after, limit)

    async def failed_events(self, limit: int = 100) -> list[dict[str, Any]]:
        """Events whose listeners failed, newest last (for operators and tests)."""
        return await self._read(inbox.failed_events, limit)

    async def newest_event(self) -> int | None:
        """The inbox position of the newest delivered event."""
        return await self._read(inbox.unhandled_up_to, None)

    async def unhandled_before(self, seq: int) -> bool:
        """Whether any event delivered at or before `seq` is still unhandled."""
        return await self._read(inbox.unhandled_up_to, seq) is not None

    async def finish_event(self, seq: int, error: str | None = None) -> None:
        """Mark an event handled, or given up on with `error`."""
        await self._write(inbox.finish_event, seq, error, self._clock())

    async def finish_leased_event(
        self, seq: int, part: int, epoch: int, error: str | None = None
    ) -> bool:
        """`finish_event` while this replica's lease of `part` is still at `epoch`; False
        (nothing marked) when another replica took the partition over meanwhile."""
        return await self._write(inbox.finish_leased_event, seq, part, epoch, error, self._clock())

    async def event_known(self, team_id: str, event_id: str) -> bool:
        """True when this event id was delivered before (handled or not)."""
        return await self._read(inbox.event_known, team_id, event_id)

    async def prune_inbox(self, cutoff: float) -> int:
        """Forget handled events older than `cutoff`."""
        return await self._write(inbox.prune_inbox, cutoff)
