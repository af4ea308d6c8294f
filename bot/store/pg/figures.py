"""PostgreSQL twins of `bot/store/sql/figures.py`: the learning figures, computed from the
PostgreSQL twins of the stats, ties and highlights functions (week arithmetic is shared)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Connection

from bot.store.pg import highlights as pg_highlights
from bot.store.pg import stats as sql
from bot.store.sql import ties
from bot.store.sql.figures import CHART_WEEKS, DAY, iso, week_windows
from bot.store.sql.stats import Window
from bot.store.twins import twin

Conn = Connection[Any]


def _cross_team_ties(db: Conn, team_id: str | None, window: Window) -> int:
    # Through the seam: the ties area's twin is being ported (NotPorted until then).
    count: Callable[..., int] = twin(ties.cross_team_ties, "postgresql")
    return count(db, team_id, window)


def _highlights(db: Conn, team_id: str | None, period: Window) -> dict[str, Any]:
    return {
        "learnings": pg_highlights.top_learnings(db, team_id, period),
        "open_questions": pg_highlights.open_questions(db, team_id, period),
    }


def period_figures(
    db: Conn, team_id: str | None, start: float, end: float, minutes_saved: int
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
    figures["cross_team_ties"] = _cross_team_ties(db, team_id, window)
    figures["knowledge_gaps"] = sql.gaps(db, team_id, window)
    return figures


def learning_stats(
    db: Conn,
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


def report_data(
    db: Conn,
    team_id: str | None,
    now: float,
    days: int,
    minutes_saved: int,
    tz: str = "UTC",
) -> dict[str, Any]:
    """What the report and the pulse show: the figures, the weekly series of the last
    CHART_WEEKS weeks in `tz` (with each week's cross-team ties), the flows between channels
    over those weeks, and the period's learnings and open questions."""
    weeks = week_windows(now, CHART_WEEKS, tz)
    period = (now - days * DAY, now)
    series = sql.weekly_series(db, team_id, weeks)
    for week, window in zip(series, weeks, strict=True):
        week["cross_team_ties"] = _cross_team_ties(db, team_id, window)
    return {
        "stats": learning_stats(db, team_id, now, days, minutes_saved),
        "series": series,
        "flows": sql.flows(db, team_id, (weeks[0][0], now)),
        **_highlights(db, team_id, period),
    }
