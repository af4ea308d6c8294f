"""The environment of a CLI test: no Slack secrets, a database file in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest


def point_at_fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in `tmp_path`, forget any Slack secrets, and point SERENDIP_DB at a new file."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SERENDIP_DB", str(path))
    return path
