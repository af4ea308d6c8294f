"""The PostgreSQL leader lock: two replicas on one database, exactly one leads; when the
leader's session ends, the other takes over."""

from __future__ import annotations

import time

import psycopg

from bot.store.pg.leader_lock import PgLeaderLock


def test_exactly_one_of_two_locks_leads_and_a_release_hands_over(pg_url: str) -> None:
    a, b = PgLeaderLock(pg_url), PgLeaderLock(pg_url)
    try:
        assert a.try_acquire()
        assert not b.try_acquire()
        assert a.holds()
        assert not b.holds()
        assert a.try_acquire()  # asking again while leading keeps the lead
        a.release()
        assert not a.holds()
        assert b.try_acquire()
        assert b.holds()
        assert not a.try_acquire()
    finally:
        a.release()
        b.release()


def test_a_leader_whose_session_dies_is_replaced(pg_url: str) -> None:
    a, b = PgLeaderLock(pg_url), PgLeaderLock(pg_url)
    try:
        assert a.try_acquire()
        assert a._conn is not None
        pid = a._conn.info.backend_pid
        with psycopg.connect(pg_url, autocommit=True) as admin:  # as if its host vanished
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert not a.holds()  # it learns it lost the lead
        # The server releases the lock once the terminated process is gone: a moment.
        for _ in range(50):
            if b.try_acquire():
                break
            time.sleep(0.1)
        assert b.holds()
        assert not a.try_acquire()  # and cannot take it back while b lives
    finally:
        a.release()
        b.release()


def test_an_unreachable_database_is_simply_not_leading() -> None:
    lock = PgLeaderLock("postgresql://nobody@127.0.0.1:1/none")
    assert not lock.try_acquire()
    assert not lock.holds()
