"""PostgreSQL with replicas: two questions routed to one person at the same moment, from two
writers' transactions, never both slip under the weekly cap."""

from __future__ import annotations

import threading
from typing import Any

import psycopg

from bot.store.pg.questions import claim_routing
from bot.store.pg.store import PostgresStore
from tests.support.clock import ticking
from tests.support.postgres import fresh_database

NOW = 1_800_000_000.0
WEEK = 7 * 86400


def claim(conn: psycopg.Connection[Any], question: str) -> bool:
    """One routing of U1, with a cap of one a week, in the connection's open transaction."""
    return claim_routing(conn, "T1", question, "U1", 1, NOW, 1, NOW - WEEK)


def waits_on_a_lock(url: str, racing: threading.Thread) -> bool:
    """Whether a backend comes to wait on an advisory lock before the thread ends."""
    with psycopg.connect(url, autocommit=True) as admin:
        while racing.is_alive():
            waiting = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory'"
                " AND datname = current_database()"
            ).fetchone()
            if waiting and waiting[0]:
                return True
            racing.join(0.01)
    return False


def test_two_writers_at_once_route_one_question_under_a_cap_of_one() -> None:
    with fresh_database() as url:
        PostgresStore(url, clock=ticking(NOW)).open().close()  # the schema
        with psycopg.connect(url) as first, psycopg.connect(url) as second:
            assert claim(first, "Q1")  # not committed yet, as in a writer's open batch
            outcome: list[bool] = []
            racing = threading.Thread(target=lambda: outcome.append(claim(second, "Q2")))
            racing.start()
            # Without the person's lock the second count would not see the first's row and
            # would route Q2 too; with it the second waits for the first to commit.
            assert waits_on_a_lock(url, racing)
            assert outcome == []
            first.commit()
            racing.join(10)
            assert outcome == [False]
            second.commit()
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT question_id FROM routings WHERE user_id = 'U1'")
            assert [r[0] for r in rows] == ["Q1"]
