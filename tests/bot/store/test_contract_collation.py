"""Capture's orderings hold on a PostgreSQL database that sorts text by language, as a server
set up in the field may: SQLite compares text as bytes ('B' before 'a', '_' after digits), so
each twin that sorts text says COLLATE "C". Run side by side with SQLite."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from bot.store import Store
from bot.store.pg.store import PostgresStore
from tests.support.clock import ticking
from tests.support.postgres import require_server, with_database
from tests.support.sharing import T, execute, link, share


@contextmanager
def database_sorting_by_language() -> Iterator[str]:
    """A fresh database whose default collation is ICU's root locale ('a' before 'B')."""
    admin = require_server()
    name = f"serendip_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        try:
            conn.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und'"
            )
        except psycopg.Error as exc:  # a server built without ICU
            pytest.skip(f"no ICU collation to test against: {exc}")
    try:
        yield with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    """A SQLite store and a PostgreSQL store sorting text by language."""
    lite = Store(tmp_path / "serendip.db", clock=ticking()).open()
    with database_sorting_by_language() as url:
        pg = PostgresStore(url, clock=ticking(), partial=True).open()
        try:
            yield lite, pg
        finally:
            pg.close()
            lite.close()


async def orderings(store: Store) -> tuple[object, ...]:
    urls = ["https://b.com/", "https://B.com/", "https://a.com/", "https://_.com/"]
    [item, *_] = await store.save_message(share(ts="1.0"), [link(u) for u in urls])
    for voter in ("U_b", "Ü", "U_a", "u1", "U1"):
        await execute(
            store,
            "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
            f" VALUES ('T1', '{item}', '{voter}', 'save', 0, 5.0)",
        )
    forwarded = [d.key for d in await store.forwarded_items(T, "C1", "1.0")]
    exported = await store.export_items()
    return forwarded, [r["votes"] for r in exported if r["votes"]]


async def test_text_sorts_as_bytes_on_both(both: tuple[Store, Store]) -> None:
    lite, pg = both
    expected = await orderings(lite)
    assert expected == (
        [
            "link:https://B.com/",
            "link:https://_.com/",
            "link:https://a.com/",
            "link:https://b.com/",
        ],
        [["U1", "U_a", "U_b", "u1", "Ü"]],
    )
    assert await orderings(pg) == expected
