"""PostgreSQL's writer: group commit, one failing write undone alone, and a lost connection
replaced (the store says it cannot write meanwhile; the inbox holds its events)."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg import Connection

from bot.store import Store, is_storage_error
from bot.store.pg.connect import PgUnavailable, connect
from bot.store.pg.writer import WRITE_LOCK, PgWriter

Conn = Connection[Any]


def make_table(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (n integer PRIMARY KEY)")


def insert(n: int) -> Any:
    def write(conn: Conn) -> int:
        conn.execute("INSERT INTO t (n) VALUES (%s)", [n])
        return n

    return write


def stored(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [int(row[0]) for row in conn.execute("SELECT n FROM t ORDER BY n")]


def kill_backend(url: str, conn: Conn) -> None:
    """The server ends this connection, as a restart or a failover would."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])


async def test_queued_writes_commit_together_and_a_bad_one_alone_is_undone(pg_url: str) -> None:
    make_table(pg_url)
    writer = PgWriter(connect(pg_url), lambda: connect(pg_url))
    writer.start()
    try:
        before = writer.commits
        results = await asyncio.gather(
            *(writer.run(insert(n)) for n in range(200)),
            writer.run(insert(5)),  # a duplicate key: this write fails, its batch commits
            return_exceptions=True,
        )
        assert results[:200] == list(range(200))
        assert isinstance(results[200], psycopg.errors.UniqueViolation)
        assert not is_storage_error(results[200])  # a bug, not the storage
        assert writer.commits - before < 200  # grouped: far fewer commits than writes
        assert writer.failure is None
    finally:
        writer.close()
    assert stored(pg_url) == list(range(200))


def too_large(conn: Conn) -> None:
    """A statement PostgreSQL refuses with an OperationalError (54000, a program limit), as
    it refuses an index row too long: the write's own error, not the storage's."""
    conn.execute("SELECT array_fill(1, ARRAY[1000000000])")


async def test_an_operational_error_of_one_statement_fails_that_write_alone(pg_url: str) -> None:
    make_table(pg_url)
    writer = PgWriter(connect(pg_url), lambda: connect(pg_url))
    writer.start()
    try:
        results = await asyncio.gather(
            *(writer.run(insert(n)) for n in range(50)),
            writer.run(too_large),
            *(writer.run(insert(n)) for n in range(50, 100)),
            return_exceptions=True,
        )
        assert isinstance(results[50], psycopg.errors.ProgramLimitExceeded)
        assert not is_storage_error(results[50])  # the inbox fails this event, holds no other
        assert results[:50] + results[51:] == list(range(100))  # its neighbours committed
        assert writer.failure is None  # /healthz stays 200
    finally:
        writer.close()
    assert stored(pg_url) == list(range(100))


async def test_a_replica_holding_the_write_turn_too_long_is_a_storage_failure(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_table(pg_url)
    monkeypatch.setattr("bot.store.pg.writer.WAIT_FOR_TURN", "200ms")
    writer = PgWriter(connect(pg_url), lambda: connect(pg_url))
    writer.start()
    try:
        with psycopg.connect(pg_url) as other:  # another replica, inside a long batch
            other.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            with pytest.raises(psycopg.OperationalError) as waited:
                await writer.run(insert(1))
            assert "write lock" in str(waited.value)
            assert is_storage_error(waited.value)  # the inbox holds events, /healthz says 503
            assert writer.failure is not None
            other.rollback()  # its batch ends
        assert await writer.run(insert(2)) == 2
        assert writer.failure is None
    finally:
        writer.close()
    assert stored(pg_url) == [2]


async def test_a_lost_connection_fails_its_batch_then_is_replaced(pg_url: str) -> None:
    make_table(pg_url)
    first = connect(pg_url)
    server_back = False

    def reconnect() -> Conn:
        if not server_back:
            raise PgUnavailable("cannot connect to PostgreSQL at 127.0.0.1:5432/x (SERENDIP_DB)")
        return connect(pg_url)

    writer = PgWriter(first, reconnect)
    writer.start()
    try:
        assert await writer.run(insert(1)) == 1
        kill_backend(pg_url, first)
        with pytest.raises(psycopg.OperationalError) as lost:
            await writer.run(insert(2))
        assert is_storage_error(lost.value)  # the inbox holds events rather than failing them
        assert writer.failure is not None
        with pytest.raises(psycopg.OperationalError) as down:
            await writer.run(insert(3))  # the server is not back: still a storage error
        assert "SERENDIP_DB" in str(down.value)
        assert writer.failure is not None
        server_back = True
        assert await writer.run(insert(4)) == 4  # a new connection, and writes go on
        assert writer.failure is None
    finally:
        writer.close()
    assert stored(pg_url) == [1, 4]


async def test_the_store_reports_a_lost_connection_and_recovers(pg_url: str) -> None:
    store = Store(pg_url).open()
    try:
        await store.enqueue_event("T1", "Ev1", "{}")
        writer = store._pg_writer  # type: ignore[attr-defined]
        kill_backend(pg_url, writer._conn)
        with pytest.raises(psycopg.OperationalError):
            await store.enqueue_event("T1", "Ev2", "{}")
        assert store.write_failure is not None  # /healthz says 503; new events are refused
        assert await store.enqueue_event("T1", "Ev3", "{}")  # the next write reconnects
        assert store.write_failure is None
        assert [seq for seq, _ in await store.pending_events()] != []
        assert await store.event_known("T1", "Ev1")
        assert not await store.event_known("T1", "Ev2")
    finally:
        store.close()
