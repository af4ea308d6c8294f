"""The learning figures (`serendip stats`, the report and the learning pulse).

Aggregates only: how much was shared, found useful, asked and answered, and whether knowledge
crossed team lines. Figures per person exist only when the operator turns them on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from bot.store import stats as sql

DAY = 86400.0
CHART_WEEKS = 8
RATES = ("answer_rate", "best_answer_rate")
LABELS = {
    "items_shared": "Items shared",
    "sharers": "People sharing",
    "learnings": "Learnings",
    "votes": "Useful votes",
    "active_learners": "Active learners",
    "reuse": "Reused across teams",
    "questions": "Questions asked",
    "answer_rate": "Answer rate",
    "best_answer_rate": "Best-answer rate",
    "median_first_answer_minutes": "Median time to first answer (min)",
    "median_best_answer_minutes": "Median time to best answer (min)",
    "minutes_saved": "Minutes saved",
    "digests_sent": "Digests sent",
    "digest_clicks": "Digest button clicks",
}


def iso(seconds: float) -> str:
    """Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def period_figures(
    db: Database, team_id: str | None, start: float, end: float, minutes_saved: int
) -> dict[str, Any]:
    """Every figure of interface.md's stats schema for one period."""
    window = (start, end)
    figures: dict[str, Any] = {"start": iso(start), "end": iso(end)}
    figures.update(sql.sharing(db, team_id, window))
    figures["votes"] = sql.votes(db, team_id, window)
    figures["active_learners"] = sql.active_learners(db, team_id, window)
    figures["reuse"] = sql.reuse(db, team_id, window)
    figures.update(sql.questions(db, team_id, window))
    figures["minutes_saved"] = sql.answered(db, team_id, window) * minutes_saved
    figures.update(sql.digests(db, team_id, window))
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


def week_windows(now: float, weeks: int = 8) -> list[tuple[float, float]]:
    """The last `weeks` seven-day windows ending now, oldest first."""
    return [(now - (weeks - n) * 7 * DAY, now - (weeks - n - 1) * 7 * DAY) for n in range(weeks)]


def report_data(
    db: Database, team_id: str | None, now: float, days: int, minutes_saved: int
) -> dict[str, Any]:
    """What the report and the pulse show: the figures (`stats`), the weekly `series` of the
    last CHART_WEEKS weeks, and the `flows` between channels over those weeks."""
    weeks = week_windows(now, CHART_WEEKS)
    return {
        "stats": learning_stats(db, team_id, now, days, minutes_saved),
        "series": sql.weekly_series(db, team_id, weeks),
        "flows": sql.flows(db, team_id, (weeks[0][0], now)),
    }


def cell(name: str, value: Any) -> str:
    """One figure as a person reads it: `n/a`, a percentage for rates, else the number."""
    if value is None:
        return "n/a"
    if name in RATES:
        return f"{value * 100:.0f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def change(name: str, before: Any, after: Any) -> str:
    """The change of a figure between periods: `+2`, `-5 pts` (rates), `=`, or blank."""
    if before is None or after is None:
        return ""
    delta = after - before
    if name in RATES:
        return f"{delta * 100:+.0f} pts" if delta else "="
    return f"{delta:+g}" if delta else "="


def render_table(report: dict[str, Any]) -> str:
    """The report as a readable text table: each figure, previous and current period, change."""
    current, previous = report["current"], report["previous"]
    head = ("", f"previous {report['days']} days", f"last {report['days']} days", "change")
    rows = [head] + [
        (
            label,
            cell(name, previous[name]),
            cell(name, current[name]),
            change(name, previous[name], current[name]),
        )
        for name, label in LABELS.items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(
            [row[0].ljust(widths[0])]
            + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(0, f"Learning figures, {current['start'][:10]} to {current['end'][:10]} (UTC)")
    gaps = current["knowledge_gaps"]
    lines.append("")
    lines.append(
        "Top knowledge gaps (searches with no result): "
        + (", ".join(f"“{g['query']}” ({g['count']})" for g in gaps) if gaps else "none")
    )
    for person in report.get("people", []):
        lines.append(
            f"  {person['user']}: "
            + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in person.items() if k != "user")
        )
    return "\n".join(lines)
