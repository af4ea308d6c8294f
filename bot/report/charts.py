"""Charts of the learning figures: the weekly series and the flows between channels.

matplotlib without pyplot: every call builds its own Figure and renders it with the Agg (PNG) or
SVG backend, so no global state is shared and a chart can be drawn in a worker thread while the
event loop goes on. Text is drawn as paths in SVG, so the charts need no fonts from anywhere.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

Format = Literal["png", "svg"]
SERIES = (
    ("shares", "Items shared", "#2f6db5"),
    ("votes", "Useful votes", "#e08a1e"),
    ("questions", "Questions", "#3a9a5b"),
    ("answers", "Answered", "#b5405a"),
)
# Marker and line style tell the lines apart without colour, and where two of them overlap.
STYLES = (("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"))
SERIES_TITLE = "Shares, votes, questions and answers per week"
FLOWS_TITLE = "How knowledge flowed between channels"
TOP_FLOWS = 8
# The report's charts: 4.4 in wide with 11 pt text, so on a 390 px phone (the chart about 350 px
# wide) the smallest text is still 12 px. The pulse's PNG is viewed larger and keeps 10 pt.
REPORT_WIDTH = 4.4
REPORT_FONT = 11.0
MAX_LABEL = 42


def week_label(start: float, tz: tzinfo = UTC) -> str:
    """A week's label on the chart: the day it starts in `tz`, e.g. `16 Nov` (the pulse gives
    SERENDIP_TZ, so its chart and its text name the same days)."""
    return datetime.fromtimestamp(start, tz).strftime("%d %b")


def flow_label(flow: dict[str, Any]) -> str:
    """`#from → #to`, cut to fit beside a bar."""
    label = f"{flow['from']} → {flow['to']}"
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _plain(text: str) -> str:
    # matplotlib reads $…$ as math; a channel name is only ever text.
    return text.replace("$", r"\$")


def series_alt(series: list[dict[str, Any]], tz: tzinfo = UTC) -> str:
    """The weekly chart in words, for screen readers and when images are off."""
    if not series:
        return f"{SERIES_TITLE}: no data."
    first, last = week_label(series[0]["start"], tz), week_label(series[-1]["start"], tz)
    span = f"weeks starting {first} to {last}"
    lines = "; ".join(
        f"{label}: {', '.join(str(week[key]) for week in series)}" for key, label, _ in SERIES
    )
    empty = (
        " No data: no activity in these weeks."
        if not any(w[k] for w in series for k, _, _ in SERIES)
        else ""
    )
    return f"Line chart of {SERIES_TITLE.lower()}, {span}. {lines}.{empty}"


def flows_alt(flows: list[dict[str, Any]]) -> str:
    """The flows chart in words."""
    if not flows:
        return f"{FLOWS_TITLE}: no data (no useful vote crossed from one channel to another)."
    top = "; ".join(f"{f['from']} to {f['to']}: {f['votes']}" for f in flows[:TOP_FLOWS])
    return f"Bar chart of the largest flows of useful votes between channels. {top}."


def _no_data(ax: Axes, font: float) -> None:
    ax.text(
        0.5,
        0.5,
        "no data",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=max(14.0, font + 2),
        color="#666666",
    )


def draw_series(
    ax: Axes,
    series: list[dict[str, Any]],
    title: bool = True,
    tz: tzinfo = UTC,
    font: float = 10.0,
) -> None:
    """Four lines, one point per week; `no data` over empty axes."""
    x = list(range(len(series)))
    for (key, label, color), (marker, line) in zip(SERIES, STYLES, strict=True):
        ax.plot(
            x,
            [week[key] for week in series],
            marker=marker,
            linestyle=line,
            label=label,
            color=color,
        )
    ax.set_xticks(x, [week_label(week["start"], tz) for week in series])
    ax.set_xlabel("week starting", fontsize=font)
    ax.tick_params(labelsize=font)
    if len(series) > 6 and font > 10:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(bottom=0, top=max([4] + [week[k] for week in series for k, _, _ in SERIES]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        ax.set_title(SERIES_TITLE, loc="left", fontsize=font + 2)
    ax.grid(axis="y", color="#dddddd")
    # Untitled (the report), the legend goes above: below, it would meet the turned labels.
    if title:
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False, fontsize=font
        )
    else:
        ax.legend(
            loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False, fontsize=font
        )
    if not any(week[key] for week in series for key, _, _ in SERIES):
        _no_data(ax, font)


def draw_flows(
    ax: Axes, flows: list[dict[str, Any]], title: bool = True, font: float = 10.0
) -> None:
    """Horizontal bars of the top flows, the biggest on top; `no data` when there are none."""
    if title:
        ax.set_title(FLOWS_TITLE, loc="left", fontsize=font + 2)
    top = flows[:TOP_FLOWS]
    if not top:
        ax.set_xticks([])
        ax.set_yticks([])
        _no_data(ax, font)
        return
    y = list(range(len(top)))[::-1]
    ax.barh(y, [flow["votes"] for flow in top], height=0.6, color="#2f6db5")
    ax.set_yticks(y, [_plain(flow_label(flow)) for flow in top])
    ax.set_ylim(min(-0.5, len(top) - 3.5), len(top) - 0.5)  # a lone bar stays a bar
    ax.set_xlabel("useful votes", fontsize=font)  # short: long channel names narrow the axes
    ax.tick_params(labelsize=font)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color="#dddddd")


def _render(fig: Figure, fmt: Format) -> bytes:
    out = io.BytesIO()
    # No creation date in the file: the same figures give the same chart.
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(out, format=fmt, dpi=110, metadata=metadata)
    return out.getvalue()


def series_chart(series: list[dict[str, Any]], fmt: Format = "svg", tz: tzinfo = UTC) -> bytes:
    """The weekly series alone, untitled (the page around it has the title)."""
    fig = Figure(figsize=(REPORT_WIDTH, 3.6), layout="constrained")
    draw_series(fig.add_subplot(), series, title=False, tz=tz, font=REPORT_FONT)
    return _render(fig, fmt)


def flows_chart(flows: list[dict[str, Any]], fmt: Format = "svg") -> bytes:
    """The flows between channels alone, untitled."""
    rows = min(len(flows), TOP_FLOWS)
    fig = Figure(figsize=(REPORT_WIDTH, 1.2 + 0.45 * max(rows, 2)), layout="constrained")
    draw_flows(fig.add_subplot(), flows, title=False, font=REPORT_FONT)
    return _render(fig, fmt)


def pulse_chart(
    series: list[dict[str, Any]], flows: list[dict[str, Any]], tz: tzinfo = UTC
) -> bytes:
    """Both charts in one PNG (the learning pulse's single image)."""
    rows = min(len(flows), TOP_FLOWS)
    fig = Figure(figsize=(9, 5.6 + 0.45 * max(rows, 2)), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[3.8, 1.6 + 0.45 * max(rows, 2)])
    draw_series(top, series, tz=tz)
    draw_flows(bottom, flows)
    return _render(fig, "png")
