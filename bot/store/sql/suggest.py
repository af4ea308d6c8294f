"""What may already answer a question before it is posted: items matching most of its words.

/find wants every word; a question says more than it needs ("how can I recover a branch I
deleted by mistake in git?"), so a suggestion needs only half of its meaningful words, and
the items matching most of them come first, then the most voted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlite_utils import Database

from bot.store.sql import search
from bot.store.sql.capture import ts_seconds
from bot.store.sql.hits import Hit, load_facts
from bot.store.sql.search import Query

PER_WORD = 200  # each word's newest matching documents are the candidates
CHUNK = 400


def suggest(
    db: Database, team_id: str, query: Query, private_channels: Iterable[str], limit: int = 3
) -> list[Hit]:
    """Items the asker may see that match at least half of the query's words: most words
    matched first, then most votes, then newest."""
    visible = set(private_channels)
    scopes = search.scopes_for(team_id, visible)
    docs = _candidates(db, query.words, scopes)
    if not docs:
        return []
    matched = _words_matched(db, query.words, docs)
    need = (len(query.words) + 1) // 2
    found = {item: len(words) for item, words in matched.items() if len(words) >= need}
    if not found:
        return []
    facts = load_facts(db, list(found), visible)
    ranked = []
    for item_id, count in found.items():
        fact = facts.get(item_id)
        if fact is None or fact.flags >= search.FLAG_LIMIT:
            continue
        key = (-count, -fact.votes, -ts_seconds(fact.created_ts), item_id)
        ranked.append((key, item_id, fact, count))
    ranked.sort(key=lambda r: r[0])
    return [
        search._hit(db, team_id, item_id, fact, float(count))
        for _, item_id, fact, count in ranked[:limit]
    ]


def _candidates(db: Database, words: tuple[str, ...], scopes: list[str]) -> dict[int, str]:
    """Each word's newest matching documents in `scopes`: {document rowid: item id}."""
    marks = ", ".join("?" for _ in scopes)
    docs: dict[int, str] = {}
    for word in words:
        rows = db.execute(
            "SELECT d.rowid, d.item_id FROM (SELECT rowid FROM search_fts"
            f" WHERE search_fts MATCH ? AND scope IN ({marks}) ORDER BY rowid DESC LIMIT ?) AS m"
            " JOIN search_docs d ON d.rowid = m.rowid",
            [f'"{word}"', *scopes, PER_WORD],
        )
        docs.update((int(rowid), str(item)) for rowid, item in rows)
    return docs


def _words_matched(
    db: Database, words: tuple[str, ...], docs: dict[int, str]
) -> dict[str, set[str]]:
    """Which words each candidate item matches, counted exactly over its visible documents
    (a common word may match a candidate beyond its own newest matches)."""
    matched: defaultdict[str, set[str]] = defaultdict(set)
    rowids = sorted(docs)
    for start in range(0, len(rowids), CHUNK):
        chunk = rowids[start : start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for word in words:
            rows = db.execute(
                f"SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid IN ({marks})",
                [f'"{word}"', *chunk],
            )
            for (rowid,) in rows:
                matched[docs[int(rowid)]].add(word)
    return matched
