"""The seam between the verbs and the SQL floors: each backend has its own set of SQL functions.

A verb names a function of the SQLite floor (`bot.store.sql.<area>.<name>`), which also types
it; the store runs its backend's twin: the function itself on SQLite, and on PostgreSQL the
function of the same name and parameters in `bot.store.pg.<area>`. A function of the floor is
one whose first parameter is the connection, `db`; the others there are pure helpers (query
parsing, week arithmetic) that both floors share.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any, Literal, TypeVar, cast

import bot.store.sql

F = TypeVar("F", bound=Callable[..., Any])
Backend = Literal["sqlite", "postgresql"]
SQLITE_FLOOR = "bot.store.sql"
POSTGRES_FLOOR = "bot.store.pg"


class NotPorted(RuntimeError):
    """A SQL function has no PostgreSQL twin yet."""


def is_floor_function(fn: object) -> bool:
    """Whether `fn` is a SQL function of the SQLite floor (not a verb's own closure)."""
    module = getattr(fn, "__module__", "") or ""
    return module.startswith(SQLITE_FLOOR + ".") and inspect.isfunction(fn) and _takes_db(fn)


def twin(fn: F, backend: Backend) -> F:
    """The backend's function for the SQLite-floor function `fn`; anything else is itself."""
    if backend == "sqlite" or not is_floor_function(fn):
        return fn  # a verb's own closure (made afresh each call: never cached)
    return cast(F, _pg_twin(fn))  # checked against `fn` by missing_twins()


@cache
def _pg_twin(fn: Callable[..., Any]) -> Callable[..., Any]:
    area = fn.__module__.removeprefix(SQLITE_FLOOR + ".")
    module = _pg_module(area)
    found: Callable[..., Any] | None = getattr(module, fn.__name__, None) if module else None
    if found is None:
        raise NotPorted(f"{area}.{fn.__name__} has no PostgreSQL twin yet")
    return found


def areas() -> list[str]:
    """The areas of the SQLite floor, by module name."""
    return sorted(m.name for m in pkgutil.iter_modules(bot.store.sql.__path__))


def floor_functions(module: ModuleType) -> dict[str, inspect.Signature]:
    """The SQL functions a module defines (public, connection first), by name."""
    found: dict[str, inspect.Signature] = {}
    for name, fn in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
            continue
        if _takes_db(fn):
            found[name] = inspect.signature(fn)
    return found


def missing_twins() -> dict[str, list[str]]:
    """Per area, the SQLite-floor functions PostgreSQL lacks or whose parameters differ."""
    missing: dict[str, list[str]] = {}
    for area in areas():
        ours = floor_functions(importlib.import_module(f"{SQLITE_FLOOR}.{area}"))
        pg = _pg_module(area)
        theirs = floor_functions(pg) if pg else {}
        gaps = [n for n, sig in ours.items() if not _same(sig, theirs.get(n))]
        if gaps:
            missing[area] = sorted(gaps)
    return missing


def unported_line() -> str | None:
    """One line naming the areas PostgreSQL cannot serve yet, or None when it can."""
    missing = missing_twins()
    if not missing:
        return None
    named = ", ".join(sorted(missing))
    areas = "1 store area is" if len(missing) == 1 else f"{len(missing)} store areas are"
    return f"PostgreSQL is not ready to serve yet: {areas} not ported ({named})"


def _same(ours: inspect.Signature, theirs: inspect.Signature | None) -> bool:
    """Same parameters (names, kinds, defaults); the annotations name each backend's types."""
    if theirs is None:
        return False
    shape = [(p.name, p.kind, p.default) for p in ours.parameters.values()]
    return shape == [(p.name, p.kind, p.default) for p in theirs.parameters.values()]


def _takes_db(fn: Callable[..., Any]) -> bool:
    code = getattr(fn, "__code__", None)  # cheaper than a signature, on every read and write
    return code is not None and code.co_argcount > 0 and code.co_varnames[0] == "db"


@cache
def _pg_module(area: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{POSTGRES_FLOOR}.{area}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{POSTGRES_FLOOR}.{area}":
            raise
        return None
