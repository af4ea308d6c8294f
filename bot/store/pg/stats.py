"""PostgreSQL twins of `bot/store/sql/stats.py`: aggregates over a period, never a list of who
did what.

Every function takes a half-open window [start, end) in Unix seconds and a workspace (or None
for every workspace). Medians and rates are computed in Python from the same rows as on
SQLite, and text compares as bytes (COLLATE "C"), so every figure is SQLite's.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.sql.capture import PERSONAL, PERSONAL_S
from bot.store.sql.snapshot import channel_of_vote
from bot.store.sql.stats import Window, _median

Conn = Connection[Any]


def _team(column: str, team_id: str | None) -> tuple[str, list[Any]]:
    return (f" AND {column} = %s", [team_id]) if team_id else ("", [])


def _one(db: Conn, sql: str, args: list[Any]) -> tuple[Any, ...]:
    row = db.execute(sql, args).fetchone()
    assert row is not None  # an aggregate without GROUP BY gives one row
    return tuple(row)


def sharing(db: Conn, team_id: str | None, window: Window) -> dict[str, int]:
    """Items shared, distinct sharers and learnings shared in the window (questions aside)."""
    where, args = _team("s.team_id", team_id)
    row = _one(
        db,
        'SELECT count(DISTINCT s.item_id), count(DISTINCT s."user"),'
        " count(DISTINCT CASE WHEN i.kind = 'learning' THEN s.item_id END)"
        " FROM shares s JOIN items i ON i.id = s.item_id"
        f" WHERE s.at >= %s AND s.at < %s AND i.kind != 'question' AND NOT {PERSONAL_S}{where}",
        [*window, *args],
    )
    return {"items_shared": int(row[0]), "sharers": int(row[1]), "learnings": int(row[2])}


def votes(db: Conn, team_id: str | None, window: Window) -> int:
    """Useful votes given in the window: one per voter and item."""
    where, args = _team("team_id", team_id)
    return int(
        _one(
            db,
            "SELECT count(*) FROM (SELECT DISTINCT item_id, voter FROM votes"
            f" WHERE at >= %s AND at < %s{where}) AS given",
            [*window, *args],
        )[0]
    )


def active_learners(db: Conn, team_id: str | None, window: Window) -> int:
    """People who shared, voted, asked or answered in the window."""
    t, a = _team("team_id", team_id)
    rows = db.execute(
        f'SELECT "user" FROM shares WHERE at >= %s AND at < %s AND "user" IS NOT NULL'
        f" AND NOT {PERSONAL}{t}"
        f" UNION SELECT voter FROM votes WHERE at >= %s AND at < %s{t}"
        f" UNION SELECT asker FROM questions WHERE posted_at >= %s AND posted_at < %s{t}"
        f' UNION SELECT "user" FROM replies WHERE at >= %s AND at < %s{t}',
        [*window, *a, *window, *a, *window, *a, *window, *a],
    ).fetchall()
    return len(rows)


def reuse(db: Conn, team_id: str | None, window: Window) -> int:
    """Items voted on in the window from outside every channel that shared them, by someone
    with no activity in any of those channels (a share, a reaction or a vote given there)."""
    where, args = _team("v.team_id", team_id)
    voted = db.execute(
        "SELECT DISTINCT v.team_id, v.item_id, v.voter, v.via FROM votes v"
        f" WHERE v.at >= %s AND v.at < %s{where}",
        [*window, *args],
    ).fetchall()
    crossed: set[str] = set()
    places: dict[str, set[str]] = {}
    for team, item_id, voter, via in voted:
        if item_id in crossed:
            continue
        if item_id not in places:
            places[item_id] = _share_channels(db, item_id)
        if channel_of_vote(via) in places[item_id]:
            continue
        if not places[item_id] & _channels_of(db, team, voter):
            crossed.add(item_id)
    return len(crossed)


def _share_channels(db: Conn, item_id: str) -> set[str]:
    rows = db.execute("SELECT DISTINCT channel FROM shares WHERE item_id = %s", [item_id])
    return {row[0] for row in rows if row[0]}


def _channels_of(db: Conn, team_id: str, user: str) -> set[str]:
    shared = db.execute(
        'SELECT DISTINCT channel FROM shares WHERE team_id = %s AND "user" = %s', [team_id, user]
    ).fetchall()
    reacted = db.execute(
        'SELECT DISTINCT channel FROM reactions WHERE team_id = %s AND "user" = %s',
        [team_id, user],
    ).fetchall()
    vias = db.execute(
        "SELECT DISTINCT via FROM votes WHERE team_id = %s AND voter = %s", [team_id, user]
    ).fetchall()
    voted = {channel for (via,) in vias if (channel := channel_of_vote(via))}
    return {row[0] for row in shared} | {row[0] for row in reacted} | voted


def questions(db: Conn, team_id: str | None, window: Window) -> dict[str, Any]:
    """Questions posted in the window: how many, and how (and how fast) they were answered."""
    where, args = _team("team_id", team_id)
    rows = db.execute(
        "SELECT posted_at, first_reply_at, answered_at FROM questions"
        f" WHERE posted_at >= %s AND posted_at < %s{where}",
        [*window, *args],
    ).fetchall()
    count = len(rows)
    replied = [(r[1] - r[0]) / 60 for r in rows if r[1] is not None]
    best = [(r[2] - r[0]) / 60 for r in rows if r[2] is not None]
    return {
        "questions": count,
        "answer_rate": len(replied) / count if count else None,
        "best_answer_rate": len(best) / count if count else None,
        "median_first_answer_minutes": _median(replied),
        "median_best_answer_minutes": _median(best),
    }


def answered(db: Conn, team_id: str | None, window: Window) -> int:
    """Questions whose best answer was chosen in the window."""
    where, args = _team("team_id", team_id)
    sql = f"SELECT count(*) FROM questions WHERE answered_at >= %s AND answered_at < %s{where}"
    return int(_one(db, sql, [*window, *args])[0])


def digests(db: Conn, team_id: str | None, window: Window) -> dict[str, int]:
    """Digests posted and digest buttons pressed in the window."""
    where, args = _team("team_id", team_id)
    sent = _one(
        db,
        "SELECT count(*) FROM outbox WHERE status = 'sent' AND updated_at >= %s"
        f" AND updated_at < %s{where}",
        [*window, *args],
    )[0]
    clicks = _one(
        db,
        f"SELECT count(*) FROM digest_clicks WHERE at >= %s AND at < %s{where}",
        [*window, *args],
    )[0]
    return {"digests_sent": int(sent), "digest_clicks": int(clicks)}


def gaps(db: Conn, team_id: str | None, window: Window, limit: int = 10) -> list[dict[str, Any]]:
    """The most searched queries that found nothing in the window."""
    where, args = _team("team_id", team_id)
    rows = db.execute(
        f"SELECT query, count(*) AS n FROM knowledge_gaps WHERE at >= %s AND at < %s{where}"
        ' GROUP BY query ORDER BY n DESC, query COLLATE "C" LIMIT %s',
        [*window, *args, limit],
    )
    return [{"query": str(q), "count": int(n)} for q, n in rows]


def per_person(db: Conn, team_id: str | None, window: Window) -> list[dict[str, Any]]:
    """Figures per person (only when the operator turned individual figures on). Anonymous
    questions are never counted for their askers."""
    where, args = _team("team_id", team_id)
    counts: dict[str, dict[str, int]] = {}
    queries = {
        "shares": f'SELECT "user", count(*) FROM shares WHERE at >= %s AND at < %s{where}'
        f' AND "user" IS NOT NULL AND NOT {PERSONAL} GROUP BY "user"',
        "votes_given": f"SELECT voter, count(DISTINCT item_id) FROM votes WHERE at >= %s"
        f" AND at < %s{where} GROUP BY voter",
        "questions": f"SELECT asker, count(*) FROM questions WHERE posted_at >= %s"
        f" AND posted_at < %s{where} AND anon = 0 GROUP BY asker",
        "best_answers": f"SELECT best_user, count(*) FROM questions WHERE answered_at >= %s"
        f" AND answered_at < %s{where} AND best_user IS NOT NULL GROUP BY best_user",
    }
    for figure, sql in queries.items():
        for user, n in db.execute(sql, [*window, *args]).fetchall():
            counts.setdefault(user, {k: 0 for k in queries})[figure] = int(n)
    return [{"user": user, **figures} for user, figures in sorted(counts.items())]


def weekly_series(db: Conn, team_id: str | None, weeks: list[Window]) -> list[dict[str, Any]]:
    """Shares, votes, questions and answers per week (for the charts)."""
    series = []
    for window in weeks:
        shared = sharing(db, team_id, window)["items_shared"]
        asked = questions(db, team_id, window)["questions"]
        series.append(
            {
                "start": window[0],
                "shares": shared,
                "votes": votes(db, team_id, window),
                "questions": asked,
                "answers": answered(db, team_id, window),
            }
        )
    return series


def flows(db: Conn, team_id: str | None, window: Window) -> list[dict[str, Any]]:
    """How knowledge flowed: votes in the window by people whose home channel (where they share
    most) did not share the item, from the channel the vote was given in (else where the item
    was first shared) to their home. One vote counts once; private channels are named together.

    An item belongs to one workspace, so min(team_id) is the team SQLite's bare column gives."""
    where, args = _team("v.team_id", team_id)
    rows = db.execute(
        'SELECT min(v.team_id), v.item_id, v.voter, min(v.via COLLATE "C") FROM votes v'
        f" WHERE v.at >= %s AND v.at < %s{where} GROUP BY v.item_id, v.voter",
        [*window, *args],
    ).fetchall()
    homes: dict[tuple[str, str], tuple[str, bool] | None] = {}
    places: dict[str, list[tuple[str, bool]]] = {}
    flow: dict[tuple[str, str], int] = {}
    names = _channel_names(db, team_id)
    for team, item_id, voter, via in rows:
        if (team, voter) not in homes:
            homes[(team, voter)] = _home_channel(db, team, voter)
        if item_id not in places:
            places[item_id] = _places(db, item_id)
        home, shared = homes[(team, voter)], places[item_id]
        if home is None or not shared or home[0] in {c for c, _ in shared}:
            continue
        given = channel_of_vote(via)
        channel, private = next(((c, p) for c, p in shared if c == given), shared[0])
        source = "private channels" if private else names.get((team, channel), channel)
        target = "private channels" if home[1] else names.get((team, home[0]), home[0])
        if source != target:
            flow[(source, target)] = flow.get((source, target), 0) + 1
    ordered = sorted(flow.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"from": s, "to": t, "votes": n} for (s, t), n in ordered]


def _places(db: Conn, item_id: str) -> list[tuple[str, bool]]:
    """The channels that shared an item, first share first, with whether each is private
    (channels shared at the same moment in channel order, as SQLite's grouping leaves them)."""
    rows = db.execute(
        "SELECT channel, max(is_private) FROM shares WHERE item_id = %s AND channel != ''"
        ' GROUP BY channel ORDER BY min(at), channel COLLATE "C"',
        [item_id],
    ).fetchall()
    return [(str(channel), bool(private)) for channel, private in rows]


def _home_channel(db: Conn, team_id: str, user: str) -> tuple[str, bool] | None:
    row = db.execute(
        'SELECT channel, max(is_private) FROM shares WHERE team_id = %s AND "user" = %s'
        " AND channel != '' GROUP BY channel ORDER BY count(*) DESC, channel COLLATE \"C\""
        " LIMIT 1",
        [team_id, user],
    ).fetchone()
    return (str(row[0]), bool(row[1])) if row else None


def _channel_names(db: Conn, team_id: str | None) -> dict[tuple[str, str], str]:
    """Channel names by (workspace, channel id): two workspaces may know one id (a channel
    shared by Slack Connect) by different names, and each flow is named as its own calls it."""
    where, args = _team("team_id", team_id)
    rows = db.execute(
        f"SELECT team_id, id, name FROM channels WHERE name IS NOT NULL{where}", args
    ).fetchall()
    return {(team, cid): f"#{name}" for team, cid, name in rows}
