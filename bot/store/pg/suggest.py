"""PostgreSQL twin of `bot/store/sql/suggest.py`: items matching most of a question's words.

Each word is its own tsquery (`bot/store/pg/search.py`), so a suggestion finds and counts
words exactly as SQLite's does, with the same tokenizing differences as search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from psycopg import Connection

from bot.store.pg.hits import load_facts
from bot.store.pg.search import _hit, _tsquery
from bot.store.sql.capture import ts_seconds
from bot.store.sql.hits import Hit
from bot.store.sql.search import FLAG_LIMIT, Query, scopes_for
from bot.store.sql.suggest import CHUNK, PER_WORD

Conn = Connection[Any]


def suggest(
    db: Conn, team_id: str, query: Query, private_channels: Iterable[str], limit: int = 3
) -> list[Hit]:
    """Items the asker may see that match at least half of the query's words: most words
    matched first, then most votes, then newest."""
    visible = set(private_channels)
    scopes = scopes_for(team_id, visible)
    matches = _word_queries(db, query.words)
    docs = _candidates(db, matches, scopes)
    if not docs:
        return []
    matched = _words_matched(db, matches, docs)
    need = (len(query.words) + 1) // 2
    found = {item: len(words) for item, words in matched.items() if len(words) >= need}
    if not found:
        return []
    facts = load_facts(db, list(found), visible)
    ranked = []
    for item_id, count in found.items():
        fact = facts.get(item_id)
        if fact is None or fact.flags >= FLAG_LIMIT:
            continue
        key = (-count, -fact.votes, -ts_seconds(fact.created_ts), item_id)
        ranked.append((key, item_id, fact, count))
    ranked.sort(key=lambda r: r[0])
    return [
        _hit(db, team_id, item_id, fact, float(count)) for _, item_id, fact, count in ranked[:limit]
    ]


def _word_queries(db: Conn, words: tuple[str, ...]) -> dict[str, str]:
    """Each word's tsquery; a word with nothing to match has none."""
    found = {}
    for word in words:
        built = _tsquery(db, Query(f'"{word}"', (word,)))
        if built is not None:
            found[word] = built[0]
    return found


def _candidates(db: Conn, matches: dict[str, str], scopes: list[str]) -> dict[int, str]:
    """Each word's newest matching documents in `scopes`: {document rowid: item id}."""
    docs: dict[int, str] = {}
    for match in matches.values():
        rows = db.execute(
            "SELECT rowid, item_id FROM search_docs WHERE words @@ %s::tsquery"
            " AND scope = ANY(%s) ORDER BY rowid DESC LIMIT %s",
            [match, scopes, PER_WORD],
            prepare=False,  # planned for this word, as search's (bot/store/pg/search.py)
        ).fetchall()
        docs.update((int(rowid), str(item)) for rowid, item in rows)
    return docs


def _words_matched(db: Conn, matches: dict[str, str], docs: dict[int, str]) -> dict[str, set[str]]:
    """Which words each candidate item matches, counted exactly over its visible documents
    (a common word may match a candidate beyond its own newest matches)."""
    matched: defaultdict[str, set[str]] = defaultdict(set)
    rowids = sorted(docs)
    for start in range(0, len(rowids), CHUNK):
        chunk = rowids[start : start + CHUNK]
        for word, match in matches.items():
            rows = db.execute(
                "SELECT rowid FROM search_docs WHERE words @@ %s::tsquery AND rowid = ANY(%s)",
                [match, chunk],
                prepare=False,  # planned for this word and these documents
            ).fetchall()
            for (rowid,) in rows:
                matched[docs[int(rowid)]].add(word)
    return matched
