"""The learning figures come out identical on SQLite and PostgreSQL: the same hand-built rows
(tests/support/figures.py, whose answers tests/bot/test_stats.py knows, and careless ones
besides) give the same counts, medians, rates, gaps and flows, week by week in a time zone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from bot.store import Store
from bot.store.pg.store import PostgresStore
from bot.store.sql import stats
from bot.store.sql.figures import week_windows
from tests.bot.store.seed import database_sorting_by_language, seed
from tests.support.clock import ticking
from tests.support.figures import DAY, NOW, stats_rows

WEEK = (NOW - 7 * DAY, NOW)
LA = "America/Los_Angeles"
# A second before midnight in Los Angeles, the Saturday after clocks went forward (2027-03-14):
# the eight weeks before it are not all 7 * 24 hours long.
LA_NOW = datetime(2027, 3, 20, 23, 59, 59, tzinfo=ZoneInfo(LA)).timestamp()
ODD = "U'; DROP TABLE votes; --"


def careless_rows(db: Database) -> None:
    """A second workspace with careless text, ties, even counts for medians, and rows on the
    edges of the weeks in Los Angeles."""
    db.execute("INSERT INTO channels (team_id, id, name) VALUES ('T2', 'C9', ?)", ["café_%"])
    queries = ["Kubernetes", "kubernetes", "100%", "'; --", "_", "é", "É", "Kubernetes"]
    for n, query in enumerate([*queries, "kubernetes", ""]):
        db.execute(
            "INSERT INTO knowledge_gaps (team_id, query, at) VALUES ('T2', ?, ?)",
            [query, NOW - DAY + 2 * n],
        )
    minutes = [(45, 95), (75, None), (None, None), (10.5, 20), (3, 3)]  # first reply, best
    for n, (first, best) in enumerate(minutes):
        start = NOW - 2 * DAY + n * 1000
        first_at = None if first is None else start + first * 60
        best_at = None if best is None else start + best * 60
        db.execute(
            "INSERT INTO questions (id, team_id, asker, anon, text, status, asked_at, posted_at,"
            " first_reply_at, answered_at, best_user) VALUES (?, 'T2', ?, ?, 'q', 'open', ?, ?,"
            " ?, ?, ?)",
            [
                f"t2q{n}",
                ODD if n % 2 else "U1",
                int(n % 3 == 0),
                start,
                start,
                first_at,
                best_at,
                ODD,
            ],
        )
    for n, item_id in enumerate(("x1", "x2", "x3")):
        db.execute(
            "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES (?, 'T2', ?, ?, '0')",
            [item_id, item_id, "learning" if n else "link"],
        )
    shares = [
        ("x1", "C9", NOW - DAY, ODD, 0),
        ("x1", "C8", NOW - DAY, None, 0),  # a bot's share: an item, no sharer
        ("x2", "", NOW - DAY, "U1", 1),  # a personal note: counted nowhere
        ("x3", "G9", NOW - 2 * DAY, "U1", 1),
        ("x3", "C8", NOW - 2 * DAY, "U1", 0),  # same moment as G9: channel order breaks it
    ]
    for item_id, channel, at, user, private in shares:
        db.execute(
            "INSERT INTO shares (team_id, item_id, channel, ts, at, user, is_private, source)"
            " VALUES ('T2', ?, ?, ?, ?, ?, ?, 'message')",
            [item_id, channel, f"{at:.6f}", at, user, private],
        )
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES ('x4', 'T2', 'x4', 'link',"
        " '0')"
    )
    db.execute(
        "INSERT INTO shares (team_id, item_id, channel, ts, at, user, is_private, source)"
        " VALUES ('T2', 'x4', 'C7', '1.0', ?, 'U5', 0, 'message')",
        [NOW - 30 * DAY],  # U5 is at home in C7
    )
    votes = [
        ("x1", "U5", "d:C9:1", NOW - DAY),
        ("x1", "U5", "M:C9:1", NOW - DAY),  # min(via) compares bytes: 'M' before 'd'
        ("x3", "U5", "save", NOW - DAY),
        ("x3", ODD, "m:G9:1", NOW - DAY),
        ("x1", "U6", "d:C4:1", NOW - DAY),  # no home: no flow
    ]
    for item_id, voter, via, at in votes:
        db.execute(
            "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T2', ?, ?, ?, ?)",
            [item_id, voter, via, at],
        )
    db.execute(
        "INSERT INTO reactions (team_id, channel, ts, user, emoji, kind) VALUES"
        " ('T2', 'C9', '1.0', 'U6', '+1', 'useful')"
    )
    _week_edges(db)


def _week_edges(db: Database) -> None:
    """Shares and votes on each LA week's first instant and a hair before it."""
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES ('w', 'T3', 'w', 'link',"
        " '0')"
    )
    for n, (start, _end) in enumerate(week_windows(LA_NOW, 8, LA)):
        for k, at in enumerate((start, start - 0.000001, start + 0.5)):
            db.execute(
                "INSERT INTO shares (team_id, item_id, channel, ts, at, user, source)"
                " VALUES ('T3', 'w', ?, ?, ?, 'U1', 'message')",
                [f"C{k}", f"{n}.{k}", at],
            )
            db.execute(
                "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T3', 'w', ?,"
                " 'save', ?)",
                [f"U{n}{k}", at],
            )
    db.execute(
        "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T3', 'w', 'late', 'save',"
        " ?)",
        [LA_NOW],  # the window is half-open: now is not in it
    )


async def test_the_known_figures(any_store: Store) -> None:
    """tests/bot/test_stats.py's answers, on each backend."""
    await seed(any_store, stats_rows)
    assert await any_store._read(stats.sharing, None, WEEK) == {
        "items_shared": 2,
        "sharers": 2,
        "learnings": 1,
    }
    assert await any_store._read(stats.votes, "T1", WEEK) == 3
    assert await any_store._read(stats.active_learners, None, WEEK) == 4
    assert await any_store._read(stats.reuse, None, WEEK) == 2
    assert await any_store._read(stats.questions, None, WEEK) == {
        "questions": 3,
        "answer_rate": 2 / 3,
        "best_answer_rate": 1 / 3,
        "median_first_answer_minutes": 60.0,
        "median_best_answer_minutes": 60.0,
    }
    assert await any_store._read(stats.answered, None, WEEK) == 1
    assert await any_store._read(stats.digests, "T1", WEEK) == {
        "digests_sent": 2,
        "digest_clicks": 3,
    }
    assert await any_store._read(stats.gaps, None, WEEK) == [
        {"query": "kubernetes", "count": 2},
        {"query": "vpn", "count": 1},
    ]
    people = {p["user"]: p for p in await any_store._read(stats.per_person, None, WEEK)}
    assert people["U1"]["questions"] == 2
    assert people["U2"]["best_answers"] == 1
    assert people.get("U3", {"questions": 0})["questions"] == 0  # q2 was asked anonymously
    series = await any_store._read(stats.weekly_series, None, week_windows(NOW, 2))
    assert [w["shares"] for w in series] == [1, 2]
    assert await any_store._read(stats.flows, None, (NOW - 30 * DAY, NOW)) == [
        {"from": "#data", "to": "#eng", "votes": 1}
    ]


async def test_empty_windows_have_nulls(any_store: Store) -> None:
    figures = await any_store._read(stats.questions, "T1", WEEK)
    assert figures["answer_rate"] is None
    assert figures["median_best_answer_minutes"] is None
    assert await any_store._read(stats.gaps, None, WEEK) == []
    assert await any_store._read(stats.flows, None, WEEK) == []
    assert await any_store._read(stats.per_person, ODD, WEEK) == []


async def test_careless_rows_ties_and_medians(any_store: Store) -> None:
    await seed(any_store, careless_rows)
    gaps = await any_store._read(stats.gaps, "T2", WEEK, 5)
    assert gaps == [
        {"query": "Kubernetes", "count": 2},  # ties in byte order, as SQLite compares
        {"query": "kubernetes", "count": 2},
        {"query": "", "count": 1},
        {"query": "'; --", "count": 1},
        {"query": "100%", "count": 1},
    ]
    assert [g["query"] for g in await any_store._read(stats.gaps, "T2", WEEK)][-3:] == [
        "_",
        "É",
        "é",
    ]
    assert await any_store._read(stats.questions, "T2", WEEK) == {
        "questions": 5,
        "answer_rate": 4 / 5,
        "best_answer_rate": 3 / 5,
        "median_first_answer_minutes": 27.8,  # (10.5 + 45) / 2, rounded as Python rounds
        "median_best_answer_minutes": 20.0,
    }
    assert await any_store._read(stats.sharing, "T2", WEEK) == {
        "items_shared": 2,
        "sharers": 2,
        "learnings": 1,
    }
    assert await any_store._read(stats.flows, "T2", WEEK) == [
        {"from": "C8", "to": "C7", "votes": 2},  # x1's 'M:C9:1' names no channel: C8 first
        {"from": "private channels", "to": "#café_%", "votes": 1},  # ODD is at home in C9
    ]


async def test_weeks_in_los_angeles_keep_their_edges(any_store: Store) -> None:
    await seed(any_store, careless_rows)
    weeks = week_windows(LA_NOW, 8, LA)
    series = await any_store._read(stats.weekly_series, "T3", weeks)
    assert [w["start"] for w in series] == [start for start, _ in weeks]
    # Each week: its first instant, half a second later, and a hair before the next week (the
    # last week has no next: a hair before now is not seeded, and now is outside it).
    assert [w["votes"] for w in series] == [3, 3, 3, 3, 3, 3, 3, 2]
    assert [w["shares"] for w in series] == [1] * 8  # one item, shared every week


async def test_figures_through_the_verbs(any_store: Store) -> None:
    await seed(any_store, stats_rows)
    report = await any_store.learning_stats(None, NOW, 7, 15, people=True)
    assert report["current"]["cross_team_ties"] == 1
    assert report["current"]["minutes_saved"] == 15
    assert report["current"]["end"] == "2026-09-21T14:13:20Z"
    data = await any_store.report_data("T1", NOW, 7, 15, LA)
    assert len(data["series"]) == 8
    assert data["stats"]["current"]["votes"] == 3


EVERY_FIGURE: list[Callable[..., Any]] = [
    stats.sharing,
    stats.votes,
    stats.active_learners,
    stats.reuse,
    stats.questions,
    stats.answered,
    stats.digests,
    stats.gaps,
    stats.per_person,
    stats.flows,
]


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """A SQLite store and a PostgreSQL store (sorting text by language), side by side."""
    lite = Store(tmp_path / "serendip.db", clock=ticking()).open()
    try:
        with database_sorting_by_language() as url:
            pg = PostgresStore(url, clock=ticking(), partial=True).open()
            try:
                yield lite, pg
            finally:
                pg.close()
    finally:
        lite.close()


async def test_every_figure_is_the_same_on_both_backends(both: tuple[Store, Store]) -> None:
    """Every stats function, every workspace, many windows: SQLite's answer is PostgreSQL's."""
    for store in both:
        await seed(store, stats_rows)
        await seed(store, careless_rows)
    windows = [WEEK, (NOW - 14 * DAY, NOW - 7 * DAY), (0.0, NOW * 2), (NOW, NOW)]
    windows += week_windows(LA_NOW, 8, LA) + week_windows(NOW, 8, "Asia/Kolkata")
    calls: list[tuple[Any, ...]] = []
    for team in (None, "T1", "T2", "T3", ODD):
        calls.append((stats.weekly_series, team, week_windows(LA_NOW, 8, LA)))
        for window in windows:
            calls += [(fn, team, window) for fn in EVERY_FIGURE]
            calls.append((stats.gaps, team, window, 3))
    lite, pg = both
    for fn, *args in calls:
        assert await pg._read(fn, *args) == await lite._read(fn, *args), (fn.__name__, args)


async def test_the_report_is_the_same_on_both_backends(both: tuple[Store, Store]) -> None:
    """The figures, series, flows and highlights of `serendip stats` and the report, side by
    side (on PostgreSQL once the ties and highlights twins are merged)."""
    lite, pg = both
    for store in both:
        await seed(store, stats_rows)
        await seed(store, careless_rows)
    for team in (None, "T1", "T2", ODD):
        for tz in ("UTC", LA, "Not/AZone"):
            args = (team, NOW, 7, 15, tz)
            assert await pg.report_data(*args) == await lite.report_data(*args), args
        people = (team, NOW, 30, 15, True)
        assert await pg.learning_stats(*people) == await lite.learning_stats(*people), people
