"""The interaction graph's SQL: counts per pair, week, scope and kind add up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.store.migrations import migrate
from bot.store.sql.interactions import Interaction, add_interactions


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
