"""The two SQL floors match: each PostgreSQL twin has its SQLite function's name and parameters,
and the completeness check names what is still missing."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import bot.store.pg
from bot.store import twins
from bot.store.migrations import MIGRATIONS
from bot.store.pg import schema
from bot.store.sql import inbox

PG_PLUMBING = {
    "connect",
    "leader_lock",  # the advisory lock on a connection of its own: no SQLite twin
    "copy_target",  # copy-db's end: fills tables, no SQLite twin
    "dump",  # serendip backup through pg_dump
    "migrate",
    "schema",
    "store",
    "writer",
}  # modules of bot/store/pg, not areas
PORTED = {
    "inbox",
    "workspaces",
    "erasure",
    "bookmarks",
    "interactions",
    "pulse",
    "outbox",
    "home",
    "stats",
    "figures",
    "imports",
    "import_refresh",
}
PORTED |= {"questions", "question_loop", "help_wanted", "review"}
PORTED |= {"capture", "face", "export", "links", "forwards", "saves", "merging", "directory"}
PORTED |= {"search_index", "search", "hits", "suggest", "experts", "expert_reasons", "highlights"}
PORTED |= {"trust", "ties", "snapshot", "digests", "archive", "fatigue", "leases", "leadership"}
PORTED |= {"installations", "team_settings", "team_items"}


def pg_areas() -> list[str]:
    names = {m.name for m in pkgutil.iter_modules(bot.store.pg.__path__)}
    return sorted(names - PG_PLUMBING)


def test_every_pg_area_is_an_area_of_the_sqlite_floor() -> None:
    assert set(pg_areas()) <= set(twins.areas())


@pytest.mark.parametrize("area", pg_areas())
def test_every_pg_function_twins_a_sqlite_function(area: str) -> None:
    """No stray or misspelt twin: each matches a SQLite function by name and parameters."""
    ours = twins.floor_functions(importlib.import_module(f"bot.store.sql.{area}"))
    theirs = twins.floor_functions(importlib.import_module(f"bot.store.pg.{area}"))
    for name, signature in theirs.items():
        assert name in ours, f"pg.{area}.{name} twins nothing in sql.{area}"
        assert twins._same(ours[name], signature), f"pg.{area}.{name}: {signature}"


def test_every_area_is_ported() -> None:
    """PostgreSQL can serve: no SQLite-floor function lacks its twin."""
    assert twins.missing_twins() == {}
    assert twins.unported_line() is None
    assert set(twins.areas()) == PORTED


def test_ported_areas_are_complete_and_the_rest_are_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert PORTED.isdisjoint(twins.missing_twins())
    real = twins._pg_module  # capture is ported: pretend it is not, to see it named
    monkeypatch.setattr(twins, "_pg_module", lambda area: None if area == "capture" else real(area))
    missing = twins.missing_twins()
    assert "capture" in missing
    assert "replace_message" in missing["capture"]
    line = twins.unported_line()
    assert line is not None
    assert line.startswith("PostgreSQL is not ready to serve yet:")
    assert "capture" in line
    assert "inbox" not in line
    assert "\n" not in line


def test_a_twin_with_other_parameters_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = ModuleType("bot.store.pg.inbox")

    def enqueue_event(db: object, team_id: str, event: str, body: str, now: float) -> bool:
        return True

    enqueue_event.__module__ = fake.__name__
    fake.enqueue_event = enqueue_event  # type: ignore[attr-defined]
    monkeypatch.setattr(twins, "_pg_module", lambda area: fake if area == "inbox" else None)
    assert "enqueue_event" in twins.missing_twins()["inbox"]
    twins._pg_twin.cache_clear()  # earlier tests found the real twin and kept it
    try:
        with pytest.raises(twins.NotPorted, match=r"inbox\.pending_events"):
            twins.twin(inbox.pending_events, "postgresql")
    finally:
        twins._pg_twin.cache_clear()  # not to keep the fake's answer for later tests


def test_twin_is_identity_on_sqlite_and_for_closures() -> None:
    assert twins.twin(inbox.pending_events, "sqlite") is inbox.pending_events
    assert twins.twin(inbox.pending_events, "postgresql") is not inbox.pending_events

    def closure(db: object) -> None:
        return None

    assert twins.twin(closure, "postgresql") is closure


def test_every_migration_has_a_postgresql_body() -> None:
    """One ordered list: each step of MIGRATIONS has its PostgreSQL body, by name."""
    for step in MIGRATIONS:
        assert callable(getattr(schema, step.__name__, None)), step.__name__
    bodies = {n for n in vars(schema) if n.startswith("m") and n[1].isdigit()}
    assert bodies == {step.__name__ for step in MIGRATIONS}
