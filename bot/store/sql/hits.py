"""What a search result shows about each candidate item, read in a few set-based queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store.sql.search_index import personal_channel


@dataclass(frozen=True)
class Hit:
    """One item found, with what a result shows."""

    item_id: str
    kind: str
    url: str | None
    title: str | None
    text: str | None
    user: str | None
    channel: str
    ts: str
    votes: int
    score: float
    answer: str | None = None
    answerer: str | None = None


@dataclass(frozen=True)
class Facts:
    """An item as ranking and display need it, seen by one searcher."""

    kind: str
    url: str | None
    title: str | None
    text: str | None
    created_ts: str
    share: tuple[Any, ...]  # the first share they may see: user, channel, ts, is_private, text
    votes: int
    flags: int
    answer: tuple[str | None, str | None]


def load_facts(db: Database, ids: list[str], visible: set[str]) -> dict[str, Facts]:
    """Facts of the items the searcher may see (an item with no visible share is left out)."""
    marks = ", ".join("?" for _ in ids)
    items = {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT id, kind, url, title, text, created_ts FROM items WHERE id IN ({marks})", ids
        )
    }
    flags = dict(
        db.execute(
            f"SELECT item_id, count(DISTINCT flagger) FROM flags WHERE item_id IN ({marks})"
            " GROUP BY item_id",
            ids,
        ).fetchall()
    )
    shares = _visible_shares(db, ids, marks, visible)
    voters = _visible_voters(db, ids, marks, visible)
    answers = {
        row[0]: (row[1], row[2])
        for row in db.execute(
            f"SELECT item_id, best_text, best_user FROM questions WHERE item_id IN ({marks})", ids
        )
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


def _visible_shares(
    db: Database, ids: list[str], marks: str, visible: set[str]
) -> dict[str, tuple[Any, ...]]:
    """Each item's first share the searcher may see: public ones first."""
    first: dict[str, tuple[Any, ...]] = {}
    for item_id, *share in db.execute(
        f"SELECT item_id, user, channel, ts, is_private, text FROM shares"
        f" WHERE item_id IN ({marks}) ORDER BY item_id, is_private, at, ts",
        ids,
    ):
        place = share[1] or personal_channel(share[0])  # a personal note: its author's
        if item_id not in first and (not share[3] or place in visible):
            first[item_id] = tuple(share)
    return first


def _visible_voters(
    db: Database, ids: list[str], marks: str, visible: set[str]
) -> defaultdict[str, set[str]]:
    """Voters the searcher may know of: public votes, and votes in their private channels."""
    voters: defaultdict[str, set[str]] = defaultdict(set)
    for item_id, voter, via, private in db.execute(
        f"SELECT item_id, voter, via, is_private FROM votes WHERE item_id IN ({marks})", ids
    ):
        if not private or (via.startswith("m:") and via.split(":")[1] in visible):
            voters[item_id].add(voter)
    return voters
