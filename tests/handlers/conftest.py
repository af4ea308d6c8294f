"""The real bot (HTTP or Socket Mode) against the local Slack, on loopback only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.bot import Env, running_bot


@pytest.fixture(params=["http", "socket"])
async def env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """The bot in each mode, with a fresh database and workspace."""
    async with running_bot(tmp_path / "bot.db", str(request.param)) as running:
        yield running


@pytest.fixture
async def http_env(tmp_path: Path) -> AsyncIterator[Env]:
    """The bot in HTTP mode only (for tests of the HTTP front door)."""
    async with running_bot(tmp_path / "bot.db", "http") as running:
        yield running
