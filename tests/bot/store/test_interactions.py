"""The interaction graph's SQL and verbs: counts add up, forget-me, 26-week retention."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.config import load_config
from bot.store import Store, week_of
from bot.store.migrations import migrate
from bot.store.sql.interactions import (
    WEEK,
    Interaction,
    add_interactions,
    forget_interactions,
    interaction_counts,
    oldest_kept_week,
    prune_interactions,
)
from jobs.housekeeping import run_housekeeping
from tests.support.clock import START
from tests.support.rawdb import raw


def test_counts_of_one_pair_week_scope_and_kind_add_up(tmp_path: Path) -> None:
    db = Database(sqlite3.connect(tmp_path / "graph.db"))
    migrate(db)
    week = "2026-11-30"
    add_interactions(db, "T1", [Interaction(week, "", "U1", "U2", "reaction")])
    add_interactions(
        db,
        "T1",
        [
            Interaction(week, "", "U1", "U2", "reaction", 2),
            Interaction(week, "", "U1", "U2", "reply"),
            Interaction(week, "C9", "U1", "U2", "reaction"),
            Interaction(week, "", "U2", "U1", "mention"),
        ],
    )
    rows = db.execute(
        "SELECT scope, actor, target, kind, n FROM interactions ORDER BY actor, scope, kind"
    ).fetchall()
    assert rows == [
        ("", "U1", "U2", "reaction", 3),
        ("", "U1", "U2", "reply", 1),
        ("C9", "U1", "U2", "reaction", 1),
        ("", "U2", "U1", "mention", 1),
    ]


def test_week_of_is_the_monday_utc() -> None:
    sunday_late = datetime(2026, 12, 6, 23, 59, 59, tzinfo=UTC).timestamp()
    monday = datetime(2026, 12, 7, 0, 0, 0, tzinfo=UTC).timestamp()
    assert week_of(sunday_late) == "2026-11-30"
    assert week_of(monday) == "2026-12-07"


def test_forget_deletes_the_person_on_either_side_and_no_one_else(tmp_path: Path) -> None:
    db = Database(sqlite3.connect(tmp_path / "graph.db"))
    migrate(db)
    week = "2026-11-30"
    add_interactions(
        db,
        "T1",
        [
            Interaction(week, "", "U1", "U2", "reaction"),
            Interaction(week, "C9", "U2", "U1", "reply"),
            Interaction(week, "", "U1", "U3", "mention"),
        ],
    )
    add_interactions(db, "T2", [Interaction(week, "", "U2", "U3", "mention")])
    assert forget_interactions(db, "T1", "U2") == 2
    assert interaction_counts(db, "T1") == [Interaction(week, "", "U1", "U3", "mention")]
    assert interaction_counts(db, "T2") == [Interaction(week, "", "U2", "U3", "mention")]


def test_prune_drops_weeks_before_the_cutoff(tmp_path: Path) -> None:
    db = Database(sqlite3.connect(tmp_path / "graph.db"))
    migrate(db)
    add_interactions(
        db,
        "T1",
        [
            Interaction("2026-05-25", "", "U1", "U2", "reaction"),
            Interaction("2026-06-01", "", "U1", "U2", "reaction"),
        ],
    )
    assert prune_interactions(db, "2026-06-01") == 1
    assert [c.week for c in interaction_counts(db, "T1")] == ["2026-06-01"]


def test_the_oldest_kept_week_is_26_weeks_back() -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=UTC).timestamp()  # a Thursday
    assert oldest_kept_week(now) == "2026-06-01"  # the Monday of the week 26 weeks before


async def test_recording_skips_weeks_past_retention_and_notes_activity_once_an_hour(
    tmp_path: Path,
) -> None:
    now = [START]
    store = Store(tmp_path / "s.db", clock=lambda: now[0]).open()
    try:
        old = week_of(START - 27 * WEEK)
        await store.record_interactions(
            "T1",
            [
                Interaction(week_of(START), "", "U1", "U2", "mention"),
                Interaction(old, "", "U1", "U2", "mention"),
            ],
            ["U1"],
        )
        assert await store.interaction_counts("T1") == [
            Interaction(week_of(START), "", "U1", "U2", "mention")
        ]
        assert raw(store, activity_of, "T1") == {"U1": START}
        now[0] = START + 600
        await store.record_interactions("T1", [], ["U1"])  # within the hour: nothing new
        assert raw(store, activity_of, "T1") == {"U1": START}
        now[0] = START + 3601
        await store.record_interactions("T1", [], ["U1"])
        assert raw(store, activity_of, "T1") == {"U1": START + 3601}
    finally:
        store.close()


async def test_housekeeping_drops_counts_older_than_26_weeks(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db", clock=lambda: START).open()
    try:
        kept, gone = week_of(START - 26 * WEEK), week_of(START - 27 * WEEK)
        raw(
            store,
            add_interactions,
            "T1",
            [
                Interaction(kept, "", "U1", "U2", "reply"),
                Interaction(gone, "", "U1", "U2", "reply"),
            ],
        )
        result = await run_housekeeping(store, load_config({}, dotenv=None), START)
        assert result.interactions_dropped == 1
        assert [c.week for c in await store.interaction_counts("T1")] == [kept]
        later = await run_housekeeping(store, load_config({}, dotenv=None), START + 7 * WEEK)
        assert later.interactions_dropped == 1
        assert await store.interaction_counts("T1") == []
    finally:
        store.close()


def activity_of(db: Database, team_id: str) -> dict[str, float]:
    rows = db.execute("SELECT user_id, at FROM activity WHERE team_id = ?", [team_id])
    return {str(u): float(at) for u, at in rows}
