"""The learning figures (`serendip stats`, the report and the learning pulse), computed.

Aggregates only: how much was shared, found useful, asked and answered, and whether knowledge
crossed team lines. Figures per person exist only when the operator turns them on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database

from bot.store.sql import highlights
from bot.store.sql import stats as sql
from bot.store.sql.ties import cross_team_ties

DAY = 86400.0
CHART_WEEKS = 8


def iso(seconds: float) -> str:
    """Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def period_figures(
    db: Database, team_id: str | None, start: float, end: float, minutes_saved: int
) -> dict[str, Any]:
    """Every figure of docs/interface.md's stats schema for one period."""
    window = (start, end)
    figures: dict[str, Any] = {"start": iso(start), "end": iso(end)}
    figures.update(sql.sharing(db, team_id, window))
    figures["votes"] = sql.votes(db, team_id, window)
    figures["active_learners"] = sql.active_learners(db, team_id, window)
    figures["reuse"] = sql.reuse(db, team_id, window)
    figures.update(sql.questions(db, team_id, window))
    figures["minutes_saved"] = sql.answered(db, team_id, window) * minutes_saved
    figures.update(sql.digests(db, team_id, window))
    figures["cross_team_ties"] = cross_team_ties(db, team_id, window)
    figures["knowledge_gaps"] = sql.gaps(db, team_id, window)
    return figures


def learning_stats(
    db: Database,
    team_id: str | None,
    now: float,
    days: int,
    minutes_saved: int,
    people: bool = False,
) -> dict[str, Any]:
    """The last `days` days beside the `days` before, in the schema of `serendip stats --json`."""
    span = days * DAY
    report: dict[str, Any] = {
        "days": days,
        "current": period_figures(db, team_id, now - span, now, minutes_saved),
        "previous": period_figures(db, team_id, now - 2 * span, now - span, minutes_saved),
    }
    if people:
        report["people"] = sql.per_person(db, team_id, (now - span, now))
    return report


def week_windows(now: float, weeks: int = 8, tz: str = "UTC") -> list[tuple[float, float]]:
    """The last `weeks` weeks ending now, oldest first: each starts at the same wall-clock time
    in `tz` (SERENDIP_TZ) as the next, so a week keeps its day across a DST change."""
    zone = _zone(tz)
    end = datetime.fromtimestamp(now, zone).replace(tzinfo=None)

    def moment(k: int) -> float:
        # A wall-clock time a DST change skipped or doubled resolves as zoneinfo's fold=0 does.
        return (end - timedelta(days=7 * k)).replace(tzinfo=zone).timestamp()

    bounds = [moment(k) for k in range(weeks, 0, -1)] + [now]
    return list(pairwise(bounds))


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def report_data(
    db: Database,
    team_id: str | None,
    now: float,
    days: int,
    minutes_saved: int,
    tz: str = "UTC",
) -> dict[str, Any]:
    """What the report and the pulse show: the figures (`stats`), the weekly `series` of the
    last CHART_WEEKS weeks (with each week's cross-team ties), and the `flows` between
    channels over those weeks, and what the period's public channels learned (`learnings`) and
    still ask (`open_questions`). Weeks keep their wall-clock start in `tz` (SERENDIP_TZ)."""
    weeks = week_windows(now, CHART_WEEKS, tz)
    period = (now - days * DAY, now)
    series = sql.weekly_series(db, team_id, weeks)
    for week, window in zip(series, weeks, strict=True):
        week["cross_team_ties"] = cross_team_ties(db, team_id, window)
    return {
        "stats": learning_stats(db, team_id, now, days, minutes_saved),
        "series": series,
        "flows": sql.flows(db, team_id, (weeks[0][0], now)),
        "learnings": highlights.top_learnings(db, team_id, period),
        "open_questions": highlights.open_questions(db, team_id, period),
    }
