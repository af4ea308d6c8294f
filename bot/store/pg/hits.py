"""PostgreSQL twin of `bot/store/sql/hits.py`: what a search result shows about each candidate.

One statement reads every candidate's facts, where SQLite's twin runs one per kind of fact and
filters in Python: each item's first share the searcher may see (public ones first), its
visible voters counted and its flaggers counted in the database, so a page of 400 candidates
sends 400 rows, not every vote on them (bench/search.py --pg: 16 ms to 10 ms for 400).
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.sql.hits import Facts

Conn = Connection[Any]
# A share's place is its channel, or for a personal note its author's own (`personal_channel`);
# a private one is visible in the searcher's private channels. A private vote counts when it
# came through a message (via 'm:<channel>:…') in one of those channels. Votes and flags are
# counted once for all the ids, not per item (a tiny flags table was scanned 400 times).
FACTS = (
    "SELECT i.id, i.kind, i.url, i.title, i.text, i.created_ts,"
    ' s."user", s.channel, s.ts, s.is_private, s.text, coalesce(v.n, 0), coalesce(f.n, 0)'
    " FROM items i CROSS JOIN LATERAL ("
    '  SELECT "user", channel, ts, is_private, text FROM shares WHERE item_id = i.id'
    "  AND (coalesce(is_private, 0) = 0"
    "   OR coalesce(nullif(channel, ''), '@' || coalesce(\"user\", '')) = ANY(%(visible)s))"
    '  ORDER BY is_private, at, ts COLLATE "C" LIMIT 1) s'
    " LEFT JOIN (SELECT item_id, count(DISTINCT voter) AS n FROM votes"
    "  WHERE item_id = ANY(%(ids)s) AND (coalesce(is_private, 0) = 0"
    "   OR (left(via, 2) = 'm:' AND split_part(via, ':', 2) = ANY(%(visible)s)))"
    "  GROUP BY item_id) v ON v.item_id = i.id"
    " LEFT JOIN (SELECT item_id, count(DISTINCT flagger) AS n FROM flags"
    "  WHERE item_id = ANY(%(ids)s) GROUP BY item_id) f ON f.item_id = i.id"
    " WHERE i.id = ANY(%(ids)s)"
)


def load_facts(db: Conn, ids: list[str], visible: set[str]) -> dict[str, Facts]:
    """Facts of the items the searcher may see (an item with no visible share is left out)."""
    rows = db.execute(FACTS, {"ids": ids, "visible": sorted(visible)}).fetchall()
    answers = {
        row[0]: (row[1], row[2])
        for row in db.execute(
            "SELECT item_id, best_text, best_user FROM questions WHERE item_id = ANY(%s)", [ids]
        ).fetchall()
    }
    return {
        item_id: Facts(
            kind,
            url,
            title,
            text,
            created_ts,
            tuple(share),
            int(votes),
            int(flags),
            answers.get(item_id, (None, None)),
        )
        for item_id, kind, url, title, text, created_ts, *share, votes, flags in rows
    }
