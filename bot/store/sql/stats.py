"""SQL for the learning figures: aggregates over a period, never a list of who did what.

Every function takes a half-open window [start, end) in Unix seconds and a workspace (or None
for every workspace in the database).
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlite_utils import Database

from bot.store.sql.capture import PERSONAL, PERSONAL_S
from bot.store.sql.snapshot import channel_of_vote

Window = tuple[float, float]


def _team(column: str, team_id: str | None) -> tuple[str, list[Any]]:
    return (f" AND {column} = ?", [team_id]) if team_id else ("", [])


def sharing(db: Database, team_id: str | None, window: Window) -> dict[str, int]:
    """Items shared, distinct sharers and learnings shared in the window (questions aside)."""
    where, args = _team("s.team_id", team_id)
    row = db.execute(
        "SELECT count(DISTINCT s.item_id), count(DISTINCT s.user),"
        " count(DISTINCT CASE WHEN i.kind = 'learning' THEN s.item_id END)"
        " FROM shares s JOIN items i ON i.id = s.item_id"
        f" WHERE s.at >= ? AND s.at < ? AND i.kind != 'question' AND NOT {PERSONAL_S}{where}",
        [*window, *args],
    ).fetchone()
    return {"items_shared": row[0], "sharers": row[1], "learnings": row[2]}


def votes(db: Database, team_id: str | None, window: Window) -> int:
    """Useful votes given in the window: one per voter and item."""
    where, args = _team("team_id", team_id)
    return int(
        db.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT item_id, voter FROM votes"
            f" WHERE at >= ? AND at < ?{where})",
            [*window, *args],
        ).fetchone()[0]
    )


def active_learners(db: Database, team_id: str | None, window: Window) -> int:
    """People who shared, voted, asked or answered in the window."""
    t_shares, a1 = _team("team_id", team_id)
    rows = db.execute(
        f"SELECT user FROM shares WHERE at >= ? AND at < ? AND user IS NOT NULL"
        f" AND NOT {PERSONAL}{t_shares}"
        f" UNION SELECT voter FROM votes WHERE at >= ? AND at < ?{t_shares}"
        f" UNION SELECT asker FROM questions WHERE posted_at >= ? AND posted_at < ?{t_shares}"
        f" UNION SELECT user FROM replies WHERE at >= ? AND at < ?{t_shares}",
        [*window, *a1, *window, *a1, *window, *a1, *window, *a1],
    ).fetchall()
    return len(rows)


def reuse(db: Database, team_id: str | None, window: Window) -> int:
    """Items voted on in the window from outside every channel that shared them, by someone
    with no activity in any of those channels: knowledge crossing team lines. Activity in a
    channel is a share there, a reaction there, or a vote given there (a reaction, or a button
    in that channel's digest); a vote given in a sharing channel never counts."""
    where, args = _team("v.team_id", team_id)
    voted = db.execute(
        f"SELECT DISTINCT v.team_id, v.item_id, v.voter, v.via FROM votes v"
        f" WHERE v.at >= ? AND v.at < ?{where}",
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


def _share_channels(db: Database, item_id: str) -> set[str]:
    rows = db.execute("SELECT DISTINCT channel FROM shares WHERE item_id = ?", [item_id])
    return {row[0] for row in rows if row[0]}


def _channels_of(db: Database, team_id: str, user: str) -> set[str]:
    shared = db.execute(
        "SELECT DISTINCT channel FROM shares WHERE team_id = ? AND user = ?", [team_id, user]
    )
    reacted = db.execute(
        "SELECT DISTINCT channel FROM reactions WHERE team_id = ? AND user = ?", [team_id, user]
    )
    vias = db.execute(
        "SELECT DISTINCT via FROM votes WHERE team_id = ? AND voter = ?", [team_id, user]
    )
    voted = {channel for (via,) in vias if (channel := channel_of_vote(via))}
    return {row[0] for row in shared} | {row[0] for row in reacted} | voted


def questions(db: Database, team_id: str | None, window: Window) -> dict[str, Any]:
    """Questions posted in the window: how many, and how (and how fast) they were answered."""
    where, args = _team("team_id", team_id)
    rows = db.execute(
        "SELECT posted_at, first_reply_at, answered_at FROM questions"
        f" WHERE posted_at >= ? AND posted_at < ?{where}",
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


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def answered(db: Database, team_id: str | None, window: Window) -> int:
    """Questions whose best answer was chosen in the window."""
    where, args = _team("team_id", team_id)
    return int(
        db.execute(
            f"SELECT count(*) FROM questions WHERE answered_at >= ? AND answered_at < ?{where}",
            [*window, *args],
        ).fetchone()[0]
    )


def digests(db: Database, team_id: str | None, window: Window) -> dict[str, int]:
    """Digests posted and digest buttons pressed in the window."""
    where, args = _team("team_id", team_id)
    sent = db.execute(
        "SELECT count(*) FROM outbox WHERE status = 'sent' AND updated_at >= ?"
        f" AND updated_at < ?{where}",
        [*window, *args],
    ).fetchone()[0]
    clicks = db.execute(
        f"SELECT count(*) FROM digest_clicks WHERE at >= ? AND at < ?{where}", [*window, *args]
    ).fetchone()[0]
    return {"digests_sent": int(sent), "digest_clicks": int(clicks)}


def gaps(
    db: Database, team_id: str | None, window: Window, limit: int = 10
) -> list[dict[str, Any]]:
    """The most searched queries that found nothing in the window."""
    where, args = _team("team_id", team_id)
    rows = db.execute(
        f"SELECT query, count(*) AS n FROM knowledge_gaps WHERE at >= ? AND at < ?{where}"
        " GROUP BY query ORDER BY n DESC, query LIMIT ?",
        [*window, *args, limit],
    )
    return [{"query": str(q), "count": int(n)} for q, n in rows]


def per_person(db: Database, team_id: str | None, window: Window) -> list[dict[str, Any]]:
    """Figures per person (only when the operator turned individual figures on). Anonymous
    questions are never counted for their askers."""
    where, args = _team("team_id", team_id)
    counts: dict[str, dict[str, int]] = {}
    queries = {
        "shares": f"SELECT user, count(*) FROM shares WHERE at >= ? AND at < ?{where}"
        f" AND user IS NOT NULL AND NOT {PERSONAL} GROUP BY user",
        "votes_given": f"SELECT voter, count(DISTINCT item_id) FROM votes WHERE at >= ?"
        f" AND at < ?{where} GROUP BY voter",
        "questions": f"SELECT asker, count(*) FROM questions WHERE posted_at >= ?"
        f" AND posted_at < ?{where} AND anon = 0 GROUP BY asker",
        "best_answers": f"SELECT best_user, count(*) FROM questions WHERE answered_at >= ?"
        f" AND answered_at < ?{where} AND best_user IS NOT NULL GROUP BY best_user",
    }
    for figure, sql in queries.items():
        for user, n in db.execute(sql, [*window, *args]):
            counts.setdefault(user, {k: 0 for k in queries})[figure] = int(n)
    return [{"user": user, **figures} for user, figures in sorted(counts.items())]


def weekly_series(db: Database, team_id: str | None, weeks: list[Window]) -> list[dict[str, Any]]:
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


def flows(db: Database, team_id: str | None, window: Window) -> list[dict[str, Any]]:
    """How knowledge flowed: votes in the window by people whose home channel (where they share
    most) did not share the item, from the channel the vote was given in (else where the item
    was first shared) to their home. One vote counts once; private channels are named together."""
    where, args = _team("v.team_id", team_id)
    rows = db.execute(
        "SELECT v.team_id, v.item_id, v.voter, min(v.via) FROM votes v"
        f" WHERE v.at >= ? AND v.at < ?{where} GROUP BY v.item_id, v.voter",
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


def _places(db: Database, item_id: str) -> list[tuple[str, bool]]:
    """The channels that shared an item, first share first, with whether each is private."""
    rows = db.execute(
        "SELECT channel, max(is_private) FROM shares WHERE item_id = ? AND channel != ''"
        " GROUP BY channel ORDER BY min(at)",
        [item_id],
    )
    return [(str(channel), bool(private)) for channel, private in rows]


def _home_channel(db: Database, team_id: str, user: str) -> tuple[str, bool] | None:
    row = db.execute(
        "SELECT channel, max(is_private) FROM shares WHERE team_id = ? AND user = ?"
        " AND channel != '' GROUP BY channel ORDER BY count(*) DESC, channel LIMIT 1",
        [team_id, user],
    ).fetchone()
    return (str(row[0]), bool(row[1])) if row else None


def _channel_names(db: Database, team_id: str | None) -> dict[tuple[str, str], str]:
    """Channel names by (workspace, channel id): two workspaces may know one id (a channel
    shared by Slack Connect) by different names, and each flow is named as its own calls it."""
    where, args = _team("team_id", team_id)
    rows = db.execute(f"SELECT team_id, id, name FROM channels WHERE name IS NOT NULL{where}", args)
    return {(team, cid): f"#{name}" for team, cid, name in rows}
