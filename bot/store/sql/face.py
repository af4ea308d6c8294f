"""An item's face: the text, title, description, site name and topics people see.

The face comes from the item's public shares alone (only an item with no public share shows
what its private shares said). Slack's unfurl wins over a fetched page, whichever came first:
if any of those shares carries unfurl details, the fetched ones are not used at all.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store.sql import team_items
from bot.topics import choose_topics, hashtags, rank_keywords, terms

# Columns of a share row as refresh_items selects them.
TEXT, PRIVATE, TITLE, DESCRIPTION, SITE = 3, 4, 5, 6, 7
NUMBER = re.compile(r"[0-9]+(?:[.][0-9]*)?")


def created_number(created_ts: Any) -> float:
    """An item's first-share time as `item_terms.created` keeps it: the timestamp as a number,
    0 when it is not one (as PostgreSQL's `search_index.created` and migration 19 read it)."""
    text = None if created_ts is None else str(created_ts)
    return float(text) if text is not None and NUMBER.fullmatch(text) else 0.0


def face(shares: list[Any]) -> list[Any]:
    """The shares an item's face is made from."""
    return [s for s in shares if not s[PRIVATE]] or shares


CURRENT_FACE = (
    "SELECT fetched_title, fetched_description, fetched_site_name, title, description, text,"
    " topics, created_ts FROM items WHERE id = ?"
)


@dataclass(frozen=True)
class Face:
    """What an item shows, worked out from its shares and its stored row."""

    text: str
    title: str | None
    description: str | None
    site_name: str | None
    unfurled: bool  # a share carries Slack's unfurl: nothing to fetch
    topics_stale: bool  # what people read changed: topics must be worked out again
    texts: list[str]  # the face's share texts, for hashtags


def compute_face(shares: list[Any], current: Any, readable: Callable[[str], str]) -> Face:
    """An item's face from its shares (first share first) and its row (CURRENT_FACE)."""
    chosen = face(shares)
    text = readable(chosen[0][TEXT] or "")
    unfurled = any(s[TITLE] or s[DESCRIPTION] or s[SITE] for s in chosen)

    def pick(column: int) -> Any:
        if unfurled:
            return next((s[column] for s in chosen if s[column]), None)
        return current[column - TITLE]

    title, description, site = pick(TITLE), pick(DESCRIPTION), pick(SITE)
    # Topics follow what people read; a reaction or a new share of the same page does not
    # change them, so they are not recomputed then.
    stale = (title, description, text) != tuple(current[3:6]) or current[6] is None
    return Face(text, title, description, site, unfurled, stale, [s[TEXT] or "" for s in chosen])


def set_face(
    db: Database, team_id: str, item_id: str, shares: list[Any], readable: Callable[[str], str]
) -> None:
    """Store the face of an item from its shares (first share first) and its fetched page."""
    current = db.execute(CURRENT_FACE, [item_id]).fetchone()
    found = compute_face(shares, current, readable)
    if found.unfurled:
        db.execute("DELETE FROM fetch_queue WHERE item_id = ?", [item_id])  # nothing to fetch
    topics = current[6]
    created = created_number(shares[0][1])
    if found.topics_stale:
        chosen = item_topics(
            db, team_id, item_id, found.texts, found.title, found.description, created
        )
        topics = json.dumps(chosen)
    db.execute(
        "UPDATE items SET created_ts = ?, text = ?, title = ?, description = ?, site_name = ?,"
        " topics = ? WHERE id = ?",
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
            "UPDATE item_terms SET created = ? WHERE item_id = ? AND created <> ?",
            [created, item_id, created],
        )


def item_topics(
    db: Database,
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
        row = db.execute(
            "SELECT df FROM term_df WHERE team_id = ? AND term = ?", [team_id, term]
        ).fetchone()
        return int(row[0]) if row else 0

    return choose_topics(hashtags(texts), rank_keywords(counts, frequency, documents))


def _update_terms(
    db: Database, team_id: str, item_id: str, counts: Counter[str], created: float
) -> None:
    old = {r[0] for r in db.execute("SELECT term FROM item_terms WHERE item_id = ?", [item_id])}
    new = set(counts)
    for term in old - new:
        db.execute("DELETE FROM item_terms WHERE item_id = ? AND term = ?", [item_id, term])
        db.execute("UPDATE term_df SET df = df - 1 WHERE team_id = ? AND term = ?", [team_id, term])
    for term in new - old:
        db.execute(
            "INSERT INTO item_terms (team_id, item_id, term, created) VALUES (?, ?, ?, ?)",
            [team_id, item_id, term, created],
        )
        db.execute(
            "INSERT INTO term_df (team_id, term, df) VALUES (?, ?, 1)"
            " ON CONFLICT (team_id, term) DO UPDATE SET df = df + 1",
            [team_id, term],
        )


def forget_terms(db: Database, item_id: str) -> None:
    """An item is going: its terms no longer count."""
    rows = db.execute("SELECT team_id, term FROM item_terms WHERE item_id = ?", [item_id])
    for team_id, term in rows.fetchall():
        db.execute("UPDATE term_df SET df = df - 1 WHERE team_id = ? AND term = ?", [team_id, term])
    db.execute("DELETE FROM item_terms WHERE item_id = ?", [item_id])
