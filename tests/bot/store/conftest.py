"""The contract suite's store: every test that takes `any_store` runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.pg.store import PostgresStore
from tests.support.clock import ticking
from tests.support.postgres import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated store on a fixed clock, on each backend in turn, closed after the test.
    PostgreSQL opens partially ported (`partial=True`): the suite tests the areas done so far."""
    if request.param == "sqlite":
        opened = Store(tmp_path / "serendip.db", clock=ticking()).open()
        yield opened
        opened.close()
        return
    with fresh_database() as url:
        pg = PostgresStore(url, clock=ticking(), partial=True).open()
        yield pg
        pg.close()
