"""The learning figures as people read them (`serendip stats`, the report and the pulse).

The store computes the figures; this module only labels and formats them.
"""

from __future__ import annotations

from typing import Any

from bot.store import iso

__all__ = ["LABELS", "cell", "change", "iso", "render_table"]

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
    "cross_team_ties": "Cross-team ties",
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
