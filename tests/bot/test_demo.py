"""`serendip demo` shows capture end to end, offline."""

from __future__ import annotations

import pytest

from bot.demo import run_demo


async def test_demo_shows_what_was_captured(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo(quiet=False) == 0
    out = capsys.readouterr().out
    assert "Captured 8 item(s)" in out
    assert "Write-Ahead Logging" in out and "ana in #engineering, dee in #data" in out
    assert "git worktree" in out and "(private: stays in its channel)" in out
    for absent in ("internal.example", "vendor.example", "hr.example/bands", "not-captured"):
        assert absent not in out.split("Captured")[1]
