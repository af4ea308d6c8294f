"""Shared fixtures: a fresh store in a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated store, closed after the test."""
    opened = Store(tmp_path / "serendip.db").open()
    yield opened
    opened.close()
