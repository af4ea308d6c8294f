"""Learning figures on a hand-built store where every answer is known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.cli.main import main
from bot.report.figures import render_table
from bot.store import Store
from bot.store.sql import stats as sql
from bot.store.sql.figures import learning_stats, week_windows
from tests.support.cli import point_at_fresh_db
from tests.support.figures import DAY, NOW, stats_rows
from tests.support.rawdb import raw


@pytest.fixture
def built(store: Store) -> Store:
    raw(store, stats_rows)
    return store


def test_every_figure_of_both_periods(built: Store) -> None:
    report = raw(built, learning_stats, None, NOW, 7, 15)
    assert report["days"] == 7
    assert "people" not in report
    current = {k: v for k, v in report["current"].items() if k not in ("start", "end")}
    assert current == {
        "items_shared": 2,
        "sharers": 2,
        "learnings": 1,
        "votes": 3,
        "active_learners": 4,
        "reuse": 2,
        "questions": 3,
        "answer_rate": 2 / 3,
        "best_answer_rate": 1 / 3,
        "median_first_answer_minutes": 60.0,
        "median_best_answer_minutes": 60.0,
        "minutes_saved": 15,
        "digests_sent": 2,
        "digest_clicks": 3,
        "cross_team_ties": 1,  # cy (home #eng) found bo's share useful (home #data)
        "knowledge_gaps": [{"query": "kubernetes", "count": 2}, {"query": "vpn", "count": 1}],
    }
    previous = report["previous"]
    assert (previous["items_shared"], previous["sharers"], previous["votes"]) == (1, 1, 1)
    assert previous["active_learners"] == 3
    assert previous["reuse"] == 0
    assert (previous["questions"], previous["answer_rate"], previous["best_answer_rate"]) == (
        1,
        0,
        0,
    )
    assert previous["median_first_answer_minutes"] is None
    assert previous["minutes_saved"] == 0
    assert previous["digests_sent"] == 1
    assert previous["knowledge_gaps"] == [{"query": "old", "count": 1}]
    assert report["current"]["end"] == "2026-09-21T14:13:20Z"


def test_empty_periods_have_nulls_and_no_division_by_zero(store: Store) -> None:
    report = raw(store, learning_stats, None, NOW, 30, 15)
    for period in (report["current"], report["previous"]):
        assert period["answer_rate"] is None
        assert period["median_best_answer_minutes"] is None
        assert period["items_shared"] == 0
        assert period["knowledge_gaps"] == []
    table = render_table(report)
    assert "Answer rate" in table
    assert "n/a" in table
    assert "none" in table


def test_aggregates_only_unless_people_figures_are_asked_for(built: Store) -> None:
    report = raw(built, learning_stats, None, NOW, 7, 15)
    assert "U1" not in json.dumps(report)
    assert "ana" not in json.dumps(report)
    people = raw(built, learning_stats, None, NOW, 7, 15, True)["people"]
    by_user = {p["user"]: p for p in people}
    assert by_user["U1"]["questions"] == 2
    assert by_user["U2"]["best_answers"] == 1
    assert "U3" not in by_user or by_user["U3"]["questions"] == 0  # q2 was asked anonymously


def test_flows_count_each_vote_once_and_name_private_channels_together(built: Store) -> None:
    def more(db: Database) -> None:
        for item_id, channel, private in (("i5", "C2", 0), ("i6", "G1", 1)):
            db.execute(
                "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES"
                " (?, 'T1', ?, 'link', '0')",
                [item_id, item_id],
            )
            db.execute(
                "INSERT INTO shares (team_id, item_id, channel, ts, at, user, is_private, source)"
                " VALUES ('T1', ?, ?, '5.0', ?, 'U2', ?, 'message')",
                [item_id, channel, NOW - 2 * DAY, private],
            )
            db.execute(
                "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES"
                " ('T1', ?, 'U3', 'd:D3:1.0', ?)",
                [item_id, NOW - DAY],
            )

    raw(built, more)
    flows = raw(built, sql.flows, None, (NOW - 7 * DAY, NOW))
    # cy (at home in #eng) on i5 (#data) and i6 (#leads, private); not on i1, which #eng shared.
    assert flows == [
        {"from": "#data", "to": "#eng", "votes": 1},
        {"from": "private channels", "to": "#eng", "votes": 1},
    ]
    series = raw(built, sql.weekly_series, None, week_windows(NOW, 2))
    assert [w["shares"] for w in series] == [1, 4]
    assert series[1]["answers"] == 1


def test_a_vote_given_in_a_sharing_channel_is_no_reuse(store: Store) -> None:
    def rows(db: Database) -> None:
        db.execute(
            "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES"
            " ('i1', 'T1', 'i1', 'link', '0')"
        )
        db.execute(
            "INSERT INTO shares (team_id, item_id, channel, ts, at, user, source) VALUES"
            " ('T1', 'i1', 'C1', '1.0', ?, 'U1', 'message')",
            [NOW - DAY],
        )
        for voter, via in (("U2", "d:C1:9.0"), ("U3", "m:C1:1.0")):  # a quiet reader of #eng
            db.execute(
                "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T1', 'i1', ?, ?, ?)",
                [voter, via, NOW - DAY],
            )

    raw(store, rows)
    assert raw(store, sql.reuse, None, (NOW - 7 * DAY, NOW)) == 0
    raw(
        store,
        lambda db: db.execute(
            "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES"
            " ('T1', 'i1', 'U4', 'd:D4:9.0', ?)",
            [NOW - DAY],
        ),
    )
    assert raw(store, sql.reuse, None, (NOW - 7 * DAY, NOW)) == 1  # from a personal digest


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_table_json_and_people_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    Store(path).open().close()
    code, out, _ = _cli(["stats"], capsys)
    assert code == 0
    assert "Items shared" in out
    assert "previous 7 days" in out
    code, out, _ = _cli(["stats", "--json", "--days", "30"], capsys)
    data: dict[str, Any] = json.loads(out)
    assert code == 0
    assert data["days"] == 30
    assert set(data) == {"days", "current", "previous"}
    code, _, err = _cli(["stats", "--people"], capsys)
    assert code == 2
    assert "SERENDIP_INDIVIDUAL_STATS=on" in err
    code, _, err = _cli(["stats", "--days", "0"], capsys)
    assert code == 2
    assert "--days" in err
    monkeypatch.setenv("SERENDIP_INDIVIDUAL_STATS", "on")
    code, out, _ = _cli(["stats", "--people", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["people"] == []
