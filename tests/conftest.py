"""Shared fixtures: a clean environment for every test, a fresh store in a temporary file, and
a fresh PostgreSQL database for the tests that use one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.support.clock import ticking
from tests.support.environment import is_ours
from tests.support.postgres import fresh_database


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SLACK_* or SERENDIP_* variable from the caller's shell: each test sets its own."""
    for name in [name for name in os.environ if is_ours(name)]:
        monkeypatch.delenv(name)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated store on a fixed clock (tests.support.clock), closed after the test."""
    opened = Store(tmp_path / "serendip.db", clock=ticking()).open()
    yield opened
    opened.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test (tests.support.postgres:
    skipped without a server, failed without one under CI=true)."""
    with fresh_database() as url:
        yield url
