"""Rows for the search contract tests, written the same way on SQLite and PostgreSQL.

The capture and questions verbs that would write them are ported separately, so these write
the rows themselves (in the store's writer, as a closure) and then keep the item's search
documents with the backend's own `sync_item`.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from bot.store import Store
from bot.store.sql import search_index
from bot.store.sql.questions import Question
from bot.store.twins import twin

T = "T1"
BASE = 1_700_000_000


def run(db: Any, statement: str, args: list[Any] | tuple[Any, ...] = ()) -> list[Any]:
    """A statement with `?` marks on either backend; its rows, if it returns any."""
    if isinstance(db, Database):
        return db.execute(statement, list(args)).fetchall()
    cursor = db.execute(statement.replace("?", "%s"), list(args))
    return cursor.fetchall() if cursor.description else []


async def sql(store: Store, statement: str, *args: Any) -> list[Any]:
    """Run one statement in the store's writer."""
    return await store._write(lambda db: run(db, statement, args))


async def sync(store: Store, item_id: str) -> None:
    """Keep an item's documents as the backend does after any change to it."""
    await store._write(search_index.sync_item, T, item_id)


async def item(
    store: Store,
    item_id: str,
    text: str,
    *,
    title: str | None = None,
    description: str | None = None,
    n: int = 0,
    channel: str = "C1",
    user: str | None = "U1",
    private: bool = False,
    kind: str = "learning",
) -> str:
    """An item first shared `n` seconds after BASE, with its one share and its documents."""
    ts = f"{BASE + n}.000100"
    await sql(
        store,
        "INSERT INTO items (id, team_id, key, kind, title, text, description, created_ts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        item_id,
        T,
        f"{kind}:{item_id}",
        kind,
        title,
        text,
        description,
        ts,
    )
    await share(store, item_id, text, n=n, channel=channel, user=user, private=private)
    return item_id


async def share(
    store: Store,
    item_id: str,
    text: str,
    *,
    n: int = 0,
    channel: str = "C1",
    user: str | None = "U1",
    private: bool = False,
) -> None:
    """Another share of an item (a private channel's, say), its documents kept."""
    await sql(
        store,
        'INSERT INTO shares (team_id, item_id, channel, ts, at, "user", text, is_private, source)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'message')",
        T,
        item_id,
        channel,
        f"{BASE + n}.000100",
        float(BASE + n),
        user,
        text,
        int(private),
    )
    await sync(store, item_id)


async def vote(store: Store, item_id: str, voter: str, private: bool = False) -> None:
    """A Useful vote (public, or in a private channel G1), its documents kept."""
    via = "m:G1:1.0" if private else "m:C1:1.0"
    await sql(
        store,
        "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        T,
        item_id,
        voter,
        via,
        int(private),
        float(BASE),
    )
    await sync(store, item_id)


async def flag(store: Store, item_id: str, flagger: str) -> None:
    """A flag on an item."""
    await sql(
        store,
        "INSERT INTO flags (team_id, item_id, flagger, via, is_private, at)"
        " VALUES (?, ?, ?, 'm:C1:1.0', 0, ?)",
        T,
        item_id,
        flagger,
        float(BASE),
    )


async def answered(store: Store, item_id: str, text: str, best_user: str, best_text: str) -> None:
    """A question item whose best answer is `best_text` by `best_user`."""
    await sql(
        store,
        "INSERT INTO questions (id, team_id, asker, text, status, channel, ts, asked_at,"
        " posted_at, answered_at, best_user, best_text, item_id)"
        " VALUES (?, ?, 'U1', ?, 'answered', 'C1', ?, ?, ?, ?, ?, ?, ?)",
        f"q-{item_id}",
        T,
        text,
        f"{BASE}.000100",
        float(BASE),
        float(BASE),
        float(BASE + 1),
        best_user,
        best_text,
        item_id,
    )
    await sync(store, item_id)


def asked(text: str, channel: str = "C1", private: bool = False, anon: bool = False) -> Question:
    """A question as it is being routed (not stored: only its text and place count)."""
    return Question(
        "Q1",
        T,
        "U1",
        anon,
        text,
        "open",
        channel,
        "1.0",
        private,
        float(BASE),
        float(BASE),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )


def backend_fn(store: Store, fn: Any) -> Any:
    """The backend's own function for a SQLite-floor function (inside a closure)."""
    return twin(fn, store._backend)
