"""PostgreSQL twins of `bot/store/sql/ties.py`: the "cross-team ties" figure, a count of pairs
of people from different home channels who worked together in a period, never who."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.pg.stats import _home_channel, _team
from bot.store.sql.stats import Window
from bot.store.sql.ties import _mondays

Conn = Connection[Any]


def worked_together(db: Conn, team_id: str | None, window: Window) -> set[tuple[str, str, str]]:
    """(workspace, person, person) pairs, in id order, who exchanged votes or replies."""
    where, args = _team("v.team_id", team_id)
    rows = db.execute(
        'SELECT DISTINCT v.team_id, v.voter, s."user" FROM votes v JOIN shares s'
        ' ON s.item_id = v.item_id WHERE v.at >= %s AND v.at < %s AND s."user" IS NOT NULL'
        f' AND s."user" != v.voter{where}',
        [*window, *args],
    ).fetchall()
    weeks = _mondays(window)
    if weeks:
        where, args = _team("team_id", team_id)
        rows += db.execute(
            "SELECT DISTINCT team_id, actor, target FROM interactions WHERE kind = 'reply'"
            f" AND week >= %s AND week <= %s AND actor != target{where}",
            [*weeks, *args],
        ).fetchall()
    # min/max of Python strings: code point order, which is SQLite's byte order in UTF-8.
    return {(team, min(a, b), max(a, b)) for team, a, b in rows}


def cross_team_ties(db: Conn, team_id: str | None, window: Window) -> int:
    """Pairs of people with different home channels who exchanged useful votes or replies in
    the window (people who never shared have no home and are not counted)."""
    homes: dict[tuple[str, str], tuple[str, bool] | None] = {}

    def home(team: str, person: str) -> str | None:
        if (team, person) not in homes:
            homes[(team, person)] = _home_channel(db, team, person)
        found = homes[(team, person)]
        return found[0] if found else None

    count = 0
    for team, a, b in worked_together(db, team_id, window):
        home_a, home_b = home(team, a), home(team, b)
        count += int(home_a is not None and home_b is not None and home_a != home_b)
    return count
