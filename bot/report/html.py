"""`serendip report --html`: one self-contained HTML file with the figures and the charts.

Dates and weeks read in one time zone (SERENDIP_TZ, as the pulse's): each week is labelled by
the day it starts there, and the last week ends where the text's period does.

Nothing is loaded from anywhere: the styles are inline, the charts are SVG data URIs whose text
is drawn as paths, and a Content-Security-Policy forbids every other source. Every text that
comes from the data (a knowledge gap's query, a channel's name) is escaped, so it stays text.
"""

from __future__ import annotations

import base64
import os
import tempfile
from datetime import UTC, datetime, tzinfo
from html import escape
from pathlib import Path
from typing import Any

from bot.report.charts import (
    FLOWS_TITLE,
    SERIES,
    SERIES_TITLE,
    flows_alt,
    flows_chart,
    series_alt,
    series_chart,
    week_label,
)
from bot.report.figures import LABELS, cell, change

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1d1d1f;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
section { background: #fff; border-radius: 8px; padding: 1rem; margin: 0 0 1rem;
  box-shadow: 0 1px 2px rgba(0, 0, 0, .08); }
.note { color: #555; margin: 0 0 1rem; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid #e6e6e6; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 0 0 .5rem; }
.chart { overflow-x: auto; }
.chart img { display: block; width: 100%; max-width: 36rem; height: auto; }
.quotes li { margin: 0 0 .4rem; }
figcaption, summary { color: #555; font-size: .9rem; }
@media (max-width: 480px) {
  body { font-size: 15px; } main { padding: .5rem; } section { padding: .75rem; }
  th, td { padding: .3rem .25rem; }
}
"""


def date_text(moment: str | float, time: bool = False, tz: tzinfo = UTC) -> str:
    """A date as people read it in `tz`, `Mon 21 Sep 2026` (with `14:13 UTC` when `time`)."""
    when = (
        datetime.fromtimestamp(moment, UTC)
        if isinstance(moment, float | int)
        else datetime.fromisoformat(moment)
    ).astimezone(tz)
    return when.strftime("%a %d %b %Y %H:%M %Z" if time else "%a %d %b %Y")


def learnings_section(learnings: list[dict[str, Any]]) -> str:
    """The period's most useful learnings shared in public channels."""
    note = (
        '<p class="note">Learnings first shared in a public channel in the period, the most'
        " useful votes first. Never from private channels, personal notes or people who opted"
        " out.</p>"
    )
    items = "".join(
        f'<li>{escape(item["text"])} <span class="note">({escape(item["channel"] or "")}'
        f"{', ' if item['channel'] else ''}{_votes(item['votes'])})</span></li>"
        for item in learnings
    )
    body = f'<ol class="quotes">{items}</ol>' if items else "<p>No learning shared in public.</p>"
    return f'<section id="learnings"><h2>Top learnings</h2>{note}{body}</section>'


def questions_section(questions: list[dict[str, Any]], tz: tzinfo = UTC) -> str:
    """Questions asked in public channels in the period that still have no best answer."""
    note = '<p class="note">Asked in a public channel in the period; no best answer yet.</p>'
    items = "".join(
        f'<li>{escape(q["text"])} <span class="note">({escape(q["channel"] or "a channel")},'
        f" asked {escape(date_text(q['posted_at'], tz=tz))})</span></li>"
        for q in questions
    )
    body = f'<ul class="quotes">{items}</ul>' if items else "<p>Every question has an answer.</p>"
    return f'<section id="questions"><h2>Unanswered questions</h2>{note}{body}</section>'


def _votes(n: int) -> str:
    return "1 useful vote" if n == 1 else f"{n} useful votes"


def _svg_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in row[1:])
        + "</tr>"
        for row in rows
    )
    table = f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def figures_section(stats: dict[str, Any]) -> str:
    """Every figure: previous period, current period, change."""
    days, current, previous = stats["days"], stats["current"], stats["previous"]
    rows = [
        [
            label,
            cell(name, previous[name]),
            cell(name, current[name]),
            change(name, previous[name], current[name]),
        ]
        for name, label in LABELS.items()
    ]
    head = ["Figure", f"Previous {days} days", f"Last {days} days", "Change"]
    return f"<section><h2>Figures</h2>{_table(head, rows)}</section>"


def gaps_section(stats: dict[str, Any]) -> str:
    """The searches that found nothing in the current period, most frequent first."""
    gaps = stats["current"]["knowledge_gaps"]
    if not gaps:
        body = "<p>No search went without a result.</p>"
    else:
        body = (
            "<ol>"
            + "".join(
                f'<li>{escape(g["query"])} <span class="note">({_times(g["count"])})</span></li>'
                for g in gaps
            )
            + "</ol>"
        )
    note = (
        '<p class="note">What people searched for with /find in public channels'
        " and did not find.</p>"
    )
    return f"<section><h2>Knowledge gaps</h2>{note}{body}</section>"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _figure(title: str, svg: bytes, alt: str, caption: str) -> str:
    image = f'<img src="{_svg_uri(svg)}" alt="{escape(alt)}" title="{escape(title)}">'
    caption = f"<figcaption>{escape(caption)}</figcaption>"
    return f'<figure><div class="chart">{image}</div>{caption}</figure>'


def series_section(series: list[dict[str, Any]], tz: tzinfo = UTC) -> str:
    """The weekly chart, and its numbers in a table, each week named by its first day in `tz`."""
    chart = _figure(
        SERIES_TITLE,
        series_chart(series, tz=tz),
        series_alt(series, tz),
        f"The last {len(series)} weeks, one point per week.",
    )
    head = ["Week starting", *(label for _, label, _ in SERIES)]
    rows = [[week_label(w["start"], tz), *(str(w[k]) for k, _, _ in SERIES)] for w in series]
    numbers = f"<details><summary>The numbers</summary>{_table(head, rows)}</details>"
    return f'<section id="activity"><h2>{escape(SERIES_TITLE)}</h2>{chart}{numbers}</section>'


def ties_section(series: list[dict[str, Any]], tz: tzinfo = UTC) -> str:
    """Cross-team ties per week: how many pairs from different home channels worked together."""
    counts = [w.get("cross_team_ties", 0) for w in series]
    note = (
        '<p class="note">Pairs of people whose home channels (where they share most) differ'
        " and who exchanged useful votes or replies, week by week. A count, never who.</p>"
    )
    if not counts:
        trend = "No weeks to show."
    else:
        trend = f"{counts[-1]} in the last week, {counts[0]} {len(counts) - 1} weeks before"
        trend += f" ({change('cross_team_ties', counts[0], counts[-1])})."
    rows = [[week_label(w["start"], tz), str(n)] for w, n in zip(series, counts, strict=True)]
    table = _table(["Week starting", "Cross-team ties"], rows) if rows else ""
    body = f"{note}<p>{escape(trend)}</p>{table}"
    return f'<section id="ties"><h2>Cross-team ties over {len(series)} weeks</h2>{body}</section>'


def flows_section(flows: list[dict[str, Any]], weeks: int) -> str:
    """The flows chart, and every flow in a table."""
    caption = (
        f"Useful votes over the last {weeks} weeks by people whose home channel (where "
        "they share most) is another than the item's. Private channels are counted "
        "together as “private channels”."
    )
    chart = _figure(FLOWS_TITLE, flows_chart(flows), flows_alt(flows), caption)
    rows = [[f["from"], f["to"], str(f["votes"])] for f in flows]
    numbers = (
        (f"<details><summary>Every flow</summary>{_table(['From', 'To', 'Votes'], rows)}</details>")
        if rows
        else ""
    )
    return f'<section id="flows"><h2>{escape(FLOWS_TITLE)}</h2>{chart}{numbers}</section>'


def render_html(
    data: dict[str, Any], generated: float, scope: str = "all workspaces", tz: tzinfo = UTC
) -> str:
    """The whole report as one HTML document (`data` as from `bot.report.figures.report_data`),
    its dates and weeks in `tz` (SERENDIP_TZ)."""
    stats, series = data["stats"], data["series"]
    current = stats["current"]
    period = f"{date_text(current['start'], tz=tz)} to {date_text(current['end'], tz=tz)}"
    title = f"Serendip learning report, {period}"
    intro = (
        f"The last {stats['days']} days ({date_text(current['start'], True, tz)} to "
        f"{date_text(current['end'], True, tz)}) beside the {stats['days']} days before, for "
        f"{scope}. Made {date_text(generated, True, tz)}. Weeks are named by the day they "
        f"start, the last ending with this period."
    )
    body = "".join(
        [
            f"<h1>{escape(title)}</h1>",
            f'<p class="note">{escape(intro)}</p>',
            figures_section(stats),
            learnings_section(data.get("learnings", [])),
            questions_section(data.get("open_questions", []), tz),
            gaps_section(stats),
            series_section(series, tz),
            ties_section(series, tz),
            flows_section(data["flows"], len(series)),
        ]
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def write_report(path: Path, text: str) -> None:
    """Write the report whole or not at all: a reader never sees half a file."""
    folder = path.parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
