"""The figures area of `Store`: the learning figures and the learning pulse's weeks."""

from __future__ import annotations

from typing import Any

from bot.store.plumbing import Plumbing
from bot.store.sql import figures, pulse


class FiguresActions(Plumbing):
    """Domain actions for the report and the weekly pulse; mixed into `Store`."""

    async def report_data(
        self, team_id: str | None, now: float, days: int, minutes_saved: int, tz: str = "UTC"
    ) -> dict[str, Any]:
        """The figures, weekly series and channel flows up to `now` (None: every workspace),
        its weeks in `tz` (SERENDIP_TZ)."""
        return await self._read(figures.report_data, team_id, now, days, minutes_saved, tz)

    async def learning_stats(
        self, team_id: str | None, now: float, days: int, minutes_saved: int, people: bool = False
    ) -> dict[str, Any]:
        """The last `days` days beside the `days` before (`serendip stats`); with `people`,
        figures per person too."""
        return await self._read(figures.learning_stats, team_id, now, days, minutes_saved, people)

    async def claim_pulse(self, team_id: str, week: str, channel: str, now: float) -> bool:
        """True once per workspace and ISO week: the caller then posts that week's pulse."""
        return await self._write(pulse.claim, team_id, week, channel, now)

    async def pulse_posted(self, team_id: str, week: str, file_id: str, ts: str | None) -> None:
        """The week's pulse is in Slack."""
        await self._write(pulse.mark_posted, team_id, week, file_id, ts)

    async def release_pulse(self, team_id: str, week: str) -> None:
        """Slack refused the week's pulse: a later tick of that week may try again."""
        await self._write(pulse.release, team_id, week)

    async def pulse_weeks(self, team_id: str) -> list[dict[str, Any]]:
        """The weeks whose pulse was claimed or posted, oldest first."""
        return await self._read(pulse.weeks, team_id)
