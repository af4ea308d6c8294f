"""SQL for the "cross-team ties" figure: how many pairs of people from different home channels
worked together in a period. An aggregate only: a count, never who.

A pair worked together when one found the other's share useful (a vote) or replied to them (the
interaction graph's replies, counted in the week of their Monday). A person's home channel is
where they share most, as the flows between channels define it (bot/store/sql/stats.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from bot.network import monday_of
from bot.store.sql.stats import Window, _home_channel, _team


def _mondays(window: Window) -> tuple[str, str] | None:
    """The first and last Monday (00:00 UTC) within the window, as weeks; None if none."""
    start, end = window
    first = monday_of(start)
    if datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp() < start:
        first += timedelta(weeks=1)
    last = monday_of(end - 1e-6)
    return (first.isoformat(), last.isoformat()) if first <= last else None


def worked_together(db: Database, team_id: str | None, window: Window) -> set[tuple[str, str, str]]:
    """(workspace, person, person) pairs, in id order, who exchanged votes or replies."""
    where, args = _team("v.team_id", team_id)
    rows = db.execute(
        "SELECT DISTINCT v.team_id, v.voter, s.user FROM votes v JOIN shares s"
        " ON s.item_id = v.item_id WHERE v.at >= ? AND v.at < ? AND s.user IS NOT NULL"
        f" AND s.user != v.voter{where}",
        [*window, *args],
    ).fetchall()
    weeks = _mondays(window)
    if weeks:
        where, args = _team("team_id", team_id)
        rows += db.execute(
            "SELECT DISTINCT team_id, actor, target FROM interactions WHERE kind = 'reply'"
            f" AND week >= ? AND week <= ? AND actor != target{where}",
            [*weeks, *args],
        ).fetchall()
    return {(team, min(a, b), max(a, b)) for team, a, b in rows}


def cross_team_ties(db: Database, team_id: str | None, window: Window) -> int:
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
