"""PostgreSQL twin of `bot/store/sql/hits.py`: what a search result shows about each candidate."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psycopg import Connection

from bot.store.sql.hits import Facts
from bot.store.sql.search_index import personal_channel

Conn = Connection[Any]


def load_facts(db: Conn, ids: list[str], visible: set[str]) -> dict[str, Facts]:
    """Facts of the items the searcher may see (an item with no visible share is left out)."""
    items = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT id, kind, url, title, text, created_ts FROM items WHERE id = ANY(%s)", [ids]
        ).fetchall()
    }
    flags = dict(
        db.execute(
            "SELECT item_id, count(DISTINCT flagger) FROM flags WHERE item_id = ANY(%s)"
            " GROUP BY item_id",
            [ids],
        ).fetchall()
    )
    shares = _visible_shares(db, ids, visible)
    voters = _visible_voters(db, ids, visible)
    answers = {
        row[0]: (row[1], row[2])
        for row in db.execute(
            "SELECT item_id, best_text, best_user FROM questions WHERE item_id = ANY(%s)", [ids]
        ).fetchall()
    }
    found = {}
    for item_id, (kind, url, title, text, created_ts) in items.items():
        if item_id in shares:
            found[item_id] = Facts(
                kind,
                url,
                title,
                text,
                created_ts,
                shares[item_id],
                len(voters[item_id]),
                int(flags.get(item_id, 0)),
                answers.get(item_id, (None, None)),
            )
    return found


def _visible_shares(db: Conn, ids: list[str], visible: set[str]) -> dict[str, tuple[Any, ...]]:
    """Each item's first share the searcher may see: public ones first."""
    first: dict[str, tuple[Any, ...]] = {}
    for item_id, *share in db.execute(
        'SELECT item_id, "user", channel, ts, is_private, text FROM shares'
        ' WHERE item_id = ANY(%s) ORDER BY item_id, is_private, at, ts COLLATE "C"',
        [ids],
    ).fetchall():
        place = share[1] or personal_channel(share[0])  # a personal note: its author's
        if item_id not in first and (not share[3] or place in visible):
            first[item_id] = tuple(share)
    return first


def _visible_voters(db: Conn, ids: list[str], visible: set[str]) -> defaultdict[str, set[str]]:
    """Voters the searcher may know of: public votes, and votes in their private channels."""
    voters: defaultdict[str, set[str]] = defaultdict(set)
    for item_id, voter, via, private in db.execute(
        "SELECT item_id, voter, via, is_private FROM votes WHERE item_id = ANY(%s)", [ids]
    ).fetchall():
        if not private or (via.startswith("m:") and via.split(":")[1] in visible):
            voters[item_id].add(voter)
    return voters
