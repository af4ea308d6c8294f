"""PostgreSQL twins of `bot/store/sql/face.py`: an item's face (text, title, description, site
name, topics) from its shares and its fetched page, and the terms its topics are ranked by.

The face itself is worked out by the shared pure `compute_face`; only the reading and writing
are here. Topic ranking counts the workspace's items (`team_items`) as SQLite does, through the
`rowid` identity column PostgreSQL's items table declares for it (`schema.py`): a sequence never
hands a number back, so after the newest item is deleted the count is one higher than SQLite's
(which reuses that rowid), a difference of one in thousands of documents.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from psycopg import Connection

from bot.store.pg import team_items
from bot.store.sql.face import compute_face, created_number
from bot.topics import choose_topics, hashtags, rank_keywords, terms

Conn = Connection[Any]

CURRENT_FACE = (
    "SELECT fetched_title, fetched_description, fetched_site_name, title, description, text,"
    " topics, created_ts FROM items WHERE id = %s"
)


def set_face(
    db: Conn, team_id: str, item_id: str, shares: list[Any], readable: Callable[[str], str]
) -> None:
    """Store the face of an item from its shares (first share first) and its fetched page."""
    current = db.execute(CURRENT_FACE, [item_id]).fetchone()
    found = compute_face(shares, current, readable)
    if found.unfurled:
        db.execute("DELETE FROM fetch_queue WHERE item_id = %s", [item_id])  # nothing to fetch
    topics = current[6] if current else None
    created = created_number(shares[0][1])
    if found.topics_stale:
        chosen = item_topics(
            db, team_id, item_id, found.texts, found.title, found.description, created
        )
        topics = json.dumps(chosen)
    db.execute(
        "UPDATE items SET created_ts = %s, text = %s, title = %s, description = %s,"
        " site_name = %s, topics = %s WHERE id = %s",
        [
            shares[0][1],
            found.text,
            found.title,
            found.description,
            found.site_name,
            topics,
            item_id,
        ],
    )
    if current is None or current[7] != shares[0][1]:
        # An earlier share (an import) moves the item back in time: its terms move with it.
        db.execute(
            "UPDATE item_terms SET created = %s WHERE item_id = %s AND created <> %s",
            [created, item_id, created],
        )


def item_topics(
    db: Conn,
    team_id: str,
    item_id: str,
    texts: list[str],
    title: str | None,
    description: str | None,
    created: float,
) -> list[str]:
    """Hashtags and TF-IDF keywords; document frequencies are kept per workspace and term, and
    each term row carries `created`, its item's first-share time."""
    counts = terms(title, description)
    _update_terms(db, team_id, item_id, counts, created)
    documents = team_items.item_count(db, team_id)  # the workspace's own

    def frequency(term: str) -> int:
        found = db.execute(
            "SELECT df FROM term_df WHERE team_id = %s AND term = %s", [team_id, term]
        ).fetchone()
        return int(found[0]) if found else 0

    return choose_topics(hashtags(texts), rank_keywords(counts, frequency, documents))


def _update_terms(
    db: Conn, team_id: str, item_id: str, counts: Counter[str], created: float
) -> None:
    old = {
        str(r[0]) for r in db.execute("SELECT term FROM item_terms WHERE item_id = %s", [item_id])
    }
    new = set(counts)
    for term in sorted(old - new):  # sorted: one lock order for the rows two writers touch
        db.execute("DELETE FROM item_terms WHERE item_id = %s AND term = %s", [item_id, term])
        db.execute(
            "UPDATE term_df SET df = df - 1 WHERE team_id = %s AND term = %s", [team_id, term]
        )
    for term in sorted(new - old):
        db.execute(
            "INSERT INTO item_terms (team_id, item_id, term, created) VALUES (%s, %s, %s, %s)",
            [team_id, item_id, term, created],
        )
        db.execute(
            "INSERT INTO term_df (team_id, term, df) VALUES (%s, %s, 1)"
            " ON CONFLICT (team_id, term) DO UPDATE SET df = term_df.df + 1",
            [team_id, term],
        )


def forget_terms(db: Conn, item_id: str) -> None:
    """An item is going: its terms no longer count."""
    rows = db.execute(
        "SELECT team_id, term FROM item_terms WHERE item_id = %s", [item_id]
    ).fetchall()
    for team_id, term in rows:
        db.execute(
            "UPDATE term_df SET df = df - 1 WHERE team_id = %s AND term = %s", [team_id, term]
        )
    db.execute("DELETE FROM item_terms WHERE item_id = %s", [item_id])
