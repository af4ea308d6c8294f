"""The "cross-team ties" figure: pairs from different home channels who worked together."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.cli.main import main
from bot.network import monday_of
from bot.report.figures import render_table
from bot.report.html import render_html
from bot.store import Store
from bot.store.sql.interactions import Interaction, add_interactions
from bot.store.sql.ties import cross_team_ties
from tests.support.cli import point_at_fresh_db
from tests.support.figures import DAY, NOW
from tests.support.rawdb import raw

WEEK = (NOW - 7 * DAY, NOW)
HOMES = {"ann": "C1", "bob": "C1", "cat": "C2", "dan": "C3"}  # eve never shared: no home


def homes_and_items(db: Database) -> None:
    """Everyone with a home channel shares there (twice, so one share elsewhere moves nothing)."""
    for n, (user, channel) in enumerate(HOMES.items()):
        for k in range(2):
            item = f"{user}{k}"
            db.execute(
                "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES (?, 'T1', ?,"
                " 'link', '0')",
                [item, item],
            )
            db.execute(
                "INSERT INTO shares (team_id, item_id, channel, ts, at, user, source) VALUES"
                " ('T1', ?, ?, ?, ?, ?, 'message')",
                [item, channel, f"{n}.{k}", NOW - 60 * DAY, user],
            )


def vote(db: Database, voter: str, item: str, at: float) -> None:
    db.execute(
        "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T1', ?, ?, 'button', ?)",
        [item, voter, at],
    )


def seeded(db: Database) -> None:
    homes_and_items(db)
    vote(db, "ann", "bob0", NOW - DAY)  # same home: no cross-team tie
    vote(db, "ann", "cat0", NOW - DAY)  # #1 ann-cat
    vote(db, "cat", "ann1", NOW - 2 * DAY)  # the same pair again, the other way
    vote(db, "eve", "dan0", NOW - DAY)  # eve has no home: not counted
    vote(db, "bob", "dan1", NOW - 10 * DAY)  # the week before
    this_week = monday_of(NOW).isoformat()  # its Monday (00:00) is in the last 7 days
    replies = [
        Interaction(this_week, "", "dan", "cat", "reply"),  # #2 dan-cat
        Interaction(this_week, "", "dan", "bob", "reaction"),  # a reaction is no reply
        Interaction(this_week, "G1", "dan", "ann", "reply"),  # #3, a count only
    ]
    add_interactions(db, "T1", replies)


def test_pairs_across_home_channels_counted_once(store: Store) -> None:
    raw(store, seeded)
    assert raw(store, cross_team_ties, None, WEEK) == 3
    assert raw(store, cross_team_ties, "T1", WEEK) == 3
    assert raw(store, cross_team_ties, "T2", WEEK) == 0
    assert raw(store, cross_team_ties, None, (NOW - 14 * DAY, NOW - 7 * DAY)) == 1  # bob-dan


def test_stats_table_json_and_report_show_it_with_its_trend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(tmp_path / "t.db").open()
    try:
        raw(store, seeded)
        stats = asyncio.run(store.learning_stats(None, NOW, 7, 15))
        assert (stats["current"]["cross_team_ties"], stats["previous"]["cross_team_ties"]) == (3, 1)
        table = render_table(stats)
        assert [line.split()[-3:] for line in table.splitlines() if "Cross-team" in line] == [
            ["1", "3", "+2"]
        ]
        data = asyncio.run(store.report_data(None, NOW, 7, 15))
        assert [w["cross_team_ties"] for w in data["series"]] == [0] * 6 + [1, 3]
        page = render_html(data, NOW)
        ties = page[page.index('<section id="ties">') :].split("</section>")[0]
        assert "3 in the last week, 0 7 weeks before (+3)." in ties
        assert ties.count("<tr>") == 9  # the head and eight weeks
    finally:
        store.close()
    path = point_at_fresh_db(tmp_path, monkeypatch)
    Store(path).open().close()
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["current"]["cross_team_ties"] == 0
