"""`serendip report --html`: one self-contained, escaped HTML file; and the charts behind it."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from matplotlib.figure import Figure

from bot.cli.main import main
from bot.report.charts import (
    REPORT_WIDTH,
    draw_flows,
    flows_alt,
    flows_chart,
    pulse_chart,
    series_alt,
    series_chart,
)
from bot.report.html import render_html, write_report
from bot.store import Store
from jobs.periods import Period
from jobs.pulse_text import pulse_text
from tests.support import figures
from tests.support.cli import point_at_fresh_db
from tests.support.figures import NOW, highlight_rows, stats_rows
from tests.support.rawdb import raw

HOSTILE = '<script>alert("x")</script> & "quotes"'


def _data(store: Store) -> dict[str, Any]:
    return asyncio.run(store.report_data(None, NOW, 7, 15))


def test_self_contained_responsive_and_escaped(store: Store) -> None:
    raw(store, stats_rows)
    raw(
        store,
        lambda db: db.execute(
            "INSERT INTO knowledge_gaps (team_id, query, at) VALUES ('T1', ?, ?)",
            [HOSTILE, NOW - 3600],
        ),
    )
    raw(
        store,
        lambda db: db.execute(
            "UPDATE channels SET name = ? WHERE id = 'C2'", ["<img src=x onerror=alert(1)>"]
        ),
    )
    html = render_html(_data(store), NOW)
    assert html.startswith("<!doctype html>")
    assert '<meta name="viewport"' in html
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in html
    assert "<script" not in html
    assert "<img src=x" not in html
    assert "<link" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert "#&lt;img src=x onerror=alert(1)&gt;" in html  # in the flows' table and alt text
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert len(sources) == 2
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert "http://" not in html
    assert "https://" not in html
    assert "url(" not in html
    for label in ("Items shared", "Answer rate", "Previous 7 days", "Last 7 days", "Change"):
        assert label in html
    assert "+67 pts" in html
    assert "kubernetes" in html
    assert "(2 times)" in html


def test_empty_data_renders_with_no_data(store: Store) -> None:
    data = _data(store)
    html = render_html(data, NOW)
    assert "No search went without a result." in html
    assert "n/a" in html
    assert "no data" in flows_alt([])
    assert "No data" in series_alt(data["series"])
    for chart in (series_chart(data["series"]), flows_chart([])):
        assert chart.startswith(b"<?xml")
        assert b"<text" not in chart
    assert pulse_chart([], []).startswith(b"\x89PNG")


def test_charts_take_any_channel_name() -> None:
    flows = [{"from": f"#c{n}$x$", "to": "private channels", "votes": 20 - n} for n in range(12)]
    assert series_chart([], "png").startswith(b"\x89PNG")
    assert flows_chart(flows).startswith(b"<?xml")
    ax = Figure().add_subplot()
    draw_flows(ax, flows)
    ticks = zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True)
    assert len(ax.patches) == 8
    assert max(ticks)[1] == r"#c0\$x\$ → private channels"  # the biggest on top, $ as text
    assert "#c0$x$ to private channels: 20" in flows_alt(flows)
    assert "#c8" not in flows_alt(flows)


def test_write_report_is_whole_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    write_report(target, "one")
    write_report(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    with pytest.raises(FileNotFoundError):
        write_report(tmp_path / "missing" / "r.html", "x")


def test_cli_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    Store(path).open().close()
    assert main(["report", "--html", "out.html", "--days", "30"]) == 0
    assert capsys.readouterr().out == "wrote the learning report to out.html\n"
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "Previous 30 days" in html
    assert "for all workspaces" in html
    for args, code, words in (
        (["report", "--html", "x.html", "--days", "0"], 2, "--days must be between 1 and 3650"),
        (["report", "--html", "no/such/folder/x.html"], 1, "No such file or directory"),
    ):
        assert main(args) == code
        err = capsys.readouterr().err
        assert err.startswith("serendip: ")
        assert words in err
        assert err.count("\n") == 1
    monkeypatch.setenv("SERENDIP_DB", str(tmp_path / "none.db"))
    assert main(["report", "--html", "x.html"]) == 2
    assert "no database at" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["report"])
    assert usage.value.code == 2
    assert "--html" in capsys.readouterr().err


def test_learnings_and_unanswered_questions_public_only(store: Store) -> None:
    raw(store, stats_rows)
    raw(store, highlight_rows)
    html = render_html(_data(store), NOW)
    learnings = html.index("<h2>Top learnings</h2>")
    questions = html.index("<h2>Unanswered questions</h2>")
    assert html.index("<h2>Figures</h2>") < learnings < questions
    assert html.index(figures.PUBLIC_LEARNING) < html.index(figures.SECOND_LEARNING) < questions
    assert "(#eng, 2 useful votes)" in html
    assert figures.PUBLIC_QUESTION in html[questions:]
    assert "asked Sun 20 Sep 2026" in html
    for secret in (
        figures.PRIVATE_LEARNING,
        figures.NOTE_LEARNING,
        figures.PRIVATE_QUESTION,
        figures.OPTED_OUT_QUESTION,
    ):
        assert secret not in html
    assert "ties" in html  # the cross-team ties section stays


def test_dates_read_as_dates(store: Store) -> None:
    html = render_html(_data(store), NOW)
    title = re.findall(r"<title>(.*)</title>", html)[0]
    assert title == "Serendip learning report, Mon 14 Sep 2026 to Mon 21 Sep 2026"
    assert "(Mon 14 Sep 2026 14:13 UTC to Mon 21 Sep 2026 14:13 UTC)" in html
    assert "Made Mon 21 Sep 2026 14:13 UTC." in html
    assert not re.search(r"\d{4}-\d\d-\d\dT", html)  # no machine timestamps


def _smallest_text(svg: bytes) -> float:
    """The smallest text of a chart in px when it is drawn 350 px wide (a 390 px phone less the
    page's padding). Text is drawn as paths: matplotlib scales each glyph by size/100."""
    text = svg.decode()
    width = float(re.findall(r'<svg[^>]* width="([0-9.]+)pt"', text)[0])
    sizes = [float(s) * 100 for s in re.findall(r"scale\(([0-9.]+) -", text)]
    return min(sizes) * 350 / width


def test_chart_text_is_readable_on_a_phone() -> None:
    week = {"shares": 3, "votes": 2, "questions": 1, "answers": 1}
    series = [{"start": NOW - (8 - n) * 7 * 86400, **week} for n in range(8)]
    flows = [{"from": "#data", "to": "#eng", "votes": 4}]
    for svg in (series_chart(series), flows_chart(flows), series_chart([]), flows_chart([])):
        assert _smallest_text(svg) >= 12
    assert REPORT_WIDTH * 96 <= 450  # drawn at most a little wider than a phone shows it


def test_weeks_and_dates_in_serendip_tz_a_second_before_midnight(store: Store) -> None:
    """In Los Angeles, Sunday 29 Nov 23:59:59 is Monday in UTC: the report names the days of
    SERENDIP_TZ, the same week the pulse's text names for the same moment."""
    zone = ZoneInfo("America/Los_Angeles")
    end = datetime(2026, 11, 29, 23, 59, 59, tzinfo=zone)
    now = end.timestamp()
    data = asyncio.run(store.report_data(None, now, 7, 15, "America/Los_Angeles"))
    html = render_html(data, now, tz=zone)
    assert "(Sun 22 Nov 2026 23:59 PST to Sun 29 Nov 2026 23:59 PST)" in html
    assert "Serendip learning report, Sun 22 Nov 2026 to Sun 29 Nov 2026" in html
    weeks = re.findall(r'<tr><th scope="row">(\d\d \w{3})</th>', html)
    assert weeks[:8] == [f"{d:02d} {m}" for d, m in WEEKS_LA]  # the activity table
    assert "23 Nov" not in weeks
    assert "30 Nov" not in weeks
    period = Period(end - timedelta(days=7), end, "2026-W48")
    text = pulse_text(data, period, zone)
    assert f"the week starting {weeks[7]}," in text  # the pulse's week is the report's last


# Sundays at 23:59:59, on both sides of 1 Nov, when Los Angeles left summer time.
WEEKS_LA = [(4, "Oct"), (11, "Oct"), (18, "Oct"), (25, "Oct"), (1, "Nov"), (8, "Nov"), (15, "Nov")]
WEEKS_LA += [(22, "Nov")]


def test_cli_report_reads_serendip_tz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    Store(path).open().close()
    monkeypatch.setenv("SERENDIP_TZ", "America/Los_Angeles")
    assert main(["report", "--html", "out.html"]) == 0
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert re.search(r"Made \w{3} \d\d \w{3} \d{4} \d\d:\d\d P[SD]T\.", html)
    assert " UTC" not in html
