"""Rows written straight into a store's tables, the same on SQLite and PostgreSQL, for contract
tests that need state no verb makes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg

from bot.store import Store
from tests.support.postgres import require_server, with_database


async def insert(store: Store, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert `rows` (column: value) into `table`, in one write."""
    rows = list(rows)

    def write(db: Any) -> None:
        mark = "%s" if store._backend == "postgresql" else "?"
        for row in rows:
            columns = ", ".join(f'"{c}"' for c in row)  # "user" is reserved on PostgreSQL
            marks = ", ".join(mark for _ in row)
            db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))

    await store._write(write)


class _AsPostgres:
    """Runs a SQLite seeding function's statements on PostgreSQL: outside quoted literals, `?`
    marks become `%s` and the column `user` is quoted; `%` in a literal is doubled."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Any = ()) -> Any:
        parts = sql.split("'")  # even parts are outside literals ('' escapes land in odd ones)
        for n, part in enumerate(parts):
            if n % 2:
                parts[n] = part.replace("%", "%%")
            else:
                part = re.sub(r"(?<![\w\"])user(?![\w\"])", '"user"', part)
                parts[n] = part.replace("?", "%s")
        return self._conn.execute("'".join(parts), params)


async def seed(store: Store, fn: Callable[..., None], *args: Any) -> None:
    """Run a seeding function written for SQLite (`fn(db, *args)`, db.execute only) on either
    backend, in one write."""

    def write(db: Any) -> None:
        fn(_AsPostgres(db) if store._backend == "postgresql" else db, *args)

    await store._write(write)


@contextmanager
def database_sorting_by_language() -> Iterator[str]:
    """A fresh PostgreSQL database whose default collation sorts by language (ICU's root
    locale: 'a' before 'B'), as a server set up in the field may; where ICU is missing, the
    server's default. SQLite compares text as bytes: a query must say COLLATE "C" to agree."""
    admin = require_server()
    name = f"serendip_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        try:
            conn.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'"
            )
        except psycopg.Error:
            conn.execute(f"CREATE DATABASE {name}")
    try:
        yield with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def select(store: Store, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """The rows of a plain SELECT written for SQLite, read on either backend (for tests that
    look at tables no ported verb reads yet)."""

    def read(db: Any) -> list[tuple[Any, ...]]:
        conn = _AsPostgres(db) if store._backend == "postgresql" else db
        return [tuple(row) for row in conn.execute(sql, list(params)).fetchall()]

    return store._read_sync(read)
