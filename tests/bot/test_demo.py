"""`serendip demo` shows capture and digests end to end, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.demo.digests import newest_digest
from bot.demo.show import run_demo


async def test_demo_shows_what_was_captured(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await run_demo(quiet=False, report=tmp_path / "report.html") == 0
    out = capsys.readouterr().out
    assert "Captured 6 item(s)" in out
    assert "Write-Ahead Logging" in out
    assert "ana in #engineering, dee in #data" in out
    assert "git worktree" in out
    assert "(private: stays in its channel)" in out
    for absent in ("internal.example", "vendor.example", "hr.example/bands", "not-captured"):
        assert absent not in out.split("Captured")[1]  # neither captured nor in a digest


async def test_demo_shows_a_channel_and_a_personal_digest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await run_demo(quiet=False, report=tmp_path / "report.html") == 0
    out = capsys.readouterr().out
    assert "Channel digest for #engineering" in out
    assert "Personal digest for ana" in out
    channel = out.split("Channel digest for #engineering")[1].split("Personal digest for")[0]
    personal = out.split("Personal digest for ana")[1].split("(Left out because")[0]
    assert "Serendip digest for #engineering" in channel
    assert "Write-Ahead Logging (https://www.sqlite.org/wal.html)" in channel
    assert "shared by ana" in channel
    assert "git worktree" in channel
    assert "Your Serendip digest" in personal
    assert "always check the query plan" in personal
    for own in ("Write-Ahead Logging", "wal.html", "git worktree"):  # what ana shared
        assert own not in personal
    assert "promo-faq" not in personal  # a private channel's item stays in its channel
    assert "Digests: 3 channel (#engineering, #data, #leads), 3 personal (ana, bo, cy)." in out


async def test_quiet_demo_prints_only_the_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await run_demo(quiet=True, report=tmp_path / "report.html") == 0
    out = capsys.readouterr().out
    assert "Captured 6 item(s)" in out
    assert "Digests: 3 channel" in out
    assert "Question: routed to ana, cy, answered" in out
    for chatter in ("reacts", "Channel digest for", "Personal digest for", "Your Serendip"):
        assert chatter not in out


async def test_demo_shows_a_question_asked_routed_answered_and_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await run_demo(quiet=False, report=tmp_path / "report.html") == 0
    out = capsys.readouterr().out.split("A question:")[1]
    assert "Posted your question in #engineering" in out
    assert "Serendip sends ana a direct message" in out  # she shared the WAL article
    assert "Serendip sends bo" not in out
    assert "Serendip sends dee" not in out
    assert "*Best answer* (ana): A checkpoint copies pages" in out
    assert "Question: routed to ana, cy, answered, found by /find: 1 result(s)." in out


async def test_demo_ends_with_the_figures_and_writes_the_html_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    assert await run_demo(quiet=True, report=report) == 0
    out = capsys.readouterr().out.split("Question: routed to")[1]
    assert "Learning figures," in out
    assert "Items shared" in out
    assert "Answer rate" in out
    assert out.rstrip().endswith(f"The HTML learning report (figures and charts): {report}")
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "data:image/svg+xml;base64," in html
    assert "#data to #engineering" in html
    assert "leads" not in html


def test_newest_digest_is_the_latest_bot_post_with_digest_metadata() -> None:
    meta = {"event_type": "serendip_digest", "event_payload": {"outbox_id": 1}}
    messages: list[dict[str, Any]] = [
        {"ts": "1.0", "bot_id": "B1", "text": "older", "metadata": meta},
        {"ts": "2.0", "bot_id": "B1", "text": "newer", "metadata": meta},
        {"ts": "3.0", "bot_id": "B1", "text": "a join note"},
        {"ts": "4.0", "user": "U1", "text": "a person", "metadata": meta},
    ]
    found = newest_digest(messages)
    assert found is not None
    assert found["text"] == "newer"
    assert newest_digest(messages[2:]) is None
