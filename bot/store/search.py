"""The search index: one document per item and visibility, and bounded full-text search.

An item has a public document (its public shares, title, description and, for a question, the
best answer) and one document per private channel it was shared in (that channel's shares).
A searcher's query only reaches the public documents and those of their own private channels,
so nothing learned in a private channel is found from outside it.

Document rowids follow the time of an item's first share, so FTS5 can hand back the newest
matches first without ranking every match: ranking all 600,000 matches of a very common word
takes over a second at a million items, reading the newest few hundred takes milliseconds.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.slacktext import readable
from bot.store.hits import Facts, Hit, load_facts
from bot.topics import STOPWORDS

MAX_BODY = 20_000
MAX_WORDS = 16
MAX_WORD = 64
# How many of the newest matches are ranked; older matches of words this common are found by
# adding words to the query.
CANDIDATES = 400
FLAG_LIMIT = 3
PHRASE = re.compile(r'"([^"]*)"')
WORD = re.compile(r"\w+")
HALF_LIFE_DAYS = 180.0


@dataclass(frozen=True)
class Query:
    """A search as FTS5 will run it: quoted terms only, so no user text is ever syntax."""

    match: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        """The query as words (kept for knowledge gaps and for paging)."""
        return " ".join(self.words)


# Words that make a sentence a question without saying what it is about.
_ASKING_WORDS = (
    "anyone anybody someone somebody know knows knowing please help question questions need"
    " want way ways best good hey thanks guys folks team does do did can could would should"
    " is are was were will who what when where why how which tell idea ideas"
)
IGNORED = STOPWORDS | frozenset(_ASKING_WORDS.split())


def parse_query(raw: str, any_word: bool = False) -> Query | None:
    """Turn what a person typed into an FTS5 query; None when it has no words.

    Quoted phrases stay phrases; every other word must match (or any word, for experts).
    Common words, and words that only make a sentence a question, are dropped when other
    words remain.
    """
    raw = raw[:4000]
    phrases = [_words(p) for p in PHRASE.findall(raw)]
    loose = _words(PHRASE.sub(" ", raw))
    # Short and common words match half of everything and say little about the subject.
    content = [w for w in loose if w not in IGNORED and len(w) > 2]
    terms = [" ".join(p) for p in phrases if p] + (content or loose)
    terms = list(dict.fromkeys(terms))[:MAX_WORDS]
    if not terms:
        return None
    joiner = " OR " if any_word else " AND "
    return Query(joiner.join(f'"{t}"' for t in terms), tuple(terms))


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if len(w) <= MAX_WORD]


# -- keeping the index ------------------------------------------------------------------------
def desired_docs(db: Database, team_id: str, item_id: str) -> dict[str, tuple[str, str]]:
    """The documents an item should have: {scope: (title, body)}."""
    item = db.execute(
        "SELECT title, description, kind FROM items WHERE id = ?", [item_id]
    ).fetchone()
    if item is None:
        return {}
    title, description, kind = item
    shares = db.execute(
        "SELECT channel, text, is_private FROM shares WHERE item_id = ? ORDER BY at, ts", [item_id]
    ).fetchall()
    texts: dict[str, list[str]] = {}
    for channel, text, private in shares:
        scope = f"{team_id}/{channel}" if private else team_id
        texts.setdefault(scope, []).append(_readable(db, team_id, text or ""))
    if kind == "question":
        answer = db.execute(
            "SELECT best_text FROM questions WHERE item_id = ?", [item_id]
        ).fetchone()
        for parts in texts.values():
            parts.append(_readable(db, team_id, (answer or [""])[0] or ""))
    docs = {}
    for scope, parts in texts.items():
        body = "\n".join([description or "", *dict.fromkeys(parts)]).strip()
        docs[scope] = (title or "", body[:MAX_BODY])
    return docs


def _readable(db: Database, team_id: str, text: str) -> str:
    if "<@" not in text:
        return readable(text)
    rows = db.execute("SELECT id, name FROM users WHERE team_id = ?", [team_id])
    names = {uid: name for uid, name in rows if name}
    return readable(text, names.get)


def sync_item(db: Database, team_id: str, item_id: str) -> None:
    """Bring an item's documents in line with the item (after any change to it)."""
    wanted = desired_docs(db, team_id, item_id)
    current = {
        scope: (rowid, title, body)
        for rowid, scope, title, body in db.execute(
            "SELECT rowid, scope, title, body FROM search_docs WHERE item_id = ?", [item_id]
        )
    }
    for scope, (rowid, title, body) in current.items():
        if wanted.get(scope) != (title, body):
            _fts_delete(db, rowid, title, body, scope)
            db.execute("DELETE FROM search_docs WHERE rowid = ?", [rowid])
    for scope, (title, body) in wanted.items():
        old = current.get(scope)
        if old is not None and (old[1], old[2]) == (title, body):
            continue
        rowid = old[0] if old is not None else _new_rowid(db, item_id)
        db.execute(
            "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body)"
            " VALUES (?, ?, ?, ?, ?, ?)", [rowid, item_id, team_id, scope, title, body],
        )  # fmt: skip
        db.execute(
            "INSERT INTO search_fts (rowid, title, body, scope) VALUES (?, ?, ?, ?)",
            [rowid, title, body, scope],
        )


def _fts_delete(db: Database, rowid: int, title: str, body: str, scope: str) -> None:
    db.execute(
        "INSERT INTO search_fts (search_fts, rowid, title, body, scope)"
        " VALUES ('delete', ?, ?, ?, ?)", [rowid, title, body, scope],
    )  # fmt: skip


def _new_rowid(db: Database, item_id: str) -> int:
    """A free rowid that sorts by the item's first share: milliseconds times 1,024."""
    row = db.execute("SELECT created_ts FROM items WHERE id = ?", [item_id]).fetchone()
    try:
        base = max(0, int(float(row[0]) * 1000)) << 10
    except (TypeError, ValueError):
        base = 0
    top = db.execute(
        "SELECT max(rowid) FROM search_docs WHERE rowid BETWEEN ? AND ?", [base, base + 1023]
    ).fetchone()[0]
    if top is None:
        return base
    if top < base + 1023:
        return int(top) + 1
    return int(db.execute("SELECT max(rowid) FROM search_docs").fetchone()[0]) + 1


def drop_item(db: Database, item_id: str) -> None:
    """An item is being deleted: so are its documents."""
    rows = db.execute(
        "SELECT rowid, title, body, scope FROM search_docs WHERE item_id = ?", [item_id]
    ).fetchall()
    for rowid, title, body, scope in rows:
        _fts_delete(db, rowid, title, body, scope)
    db.execute("DELETE FROM search_docs WHERE item_id = ?", [item_id])


def reindex_all(db: Database) -> int:
    """Rebuild every document from the items (migrations and repairs)."""
    db.execute("DELETE FROM search_docs")
    db.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
    items = db.execute("SELECT id, team_id FROM items ORDER BY CAST(created_ts AS REAL)").fetchall()
    for item_id, team_id in items:
        sync_item(db, team_id, item_id)
    return len(items)


# -- searching --------------------------------------------------------------------------------
def scopes_for(team_id: str, private_channels: Iterable[str]) -> list[str]:
    """The documents a person may read: the public ones and their private channels'."""
    return [team_id, *(f"{team_id}/{c}" for c in sorted(set(private_channels)))]


def candidates(
    db: Database, query: Query, scopes: list[str], limit: int = CANDIDATES
) -> list[tuple[str, float]]:
    """The newest matching documents in `scopes`: (item id, text relevance), relevance > 0.

    Relevance comes from highlight() marks (title hits weigh 4, both saturate, the body is
    normalised by length), not bm25(): bm25 counts every match of each word for its weights,
    which costs as much as ranking them all.
    """
    marks = ", ".join("?" for _ in scopes)
    rows = db.execute(
        "SELECT d.item_id, m.t, m.b FROM (SELECT rowid,"
        " highlight(search_fts, 0, char(2), char(3)) AS t,"
        " highlight(search_fts, 1, char(2), char(3)) AS b"
        f" FROM search_fts WHERE search_fts MATCH ? AND scope IN ({marks})"
        " ORDER BY rowid DESC LIMIT ?) AS m JOIN search_docs d ON d.rowid = m.rowid",
        [query.match, *scopes, limit],
    ).fetchall()
    best: dict[str, float] = {}
    for item_id, title, body in rows:
        best[item_id] = max(best.get(item_id, 0.0), _relevance(title or "", body or ""))
    return list(best.items())


def _relevance(title: str, body: str) -> float:
    in_title, in_body = title.count("\x02"), body.count("\x02")
    length = 0.25 + 0.75 * len(body) / 300
    return 4.0 * in_title / (in_title + 1.2) + in_body / (in_body + 1.2 * length) + 1e-6


def search(
    db: Database, team_id: str, query: Query, private_channels: Iterable[str], now: float,
    limit: int = CANDIDATES,
) -> list[Hit]:  # fmt: skip
    """Items matching every word, best first: text relevance blended with votes and recency."""
    visible = set(private_channels)
    found = dict(candidates(db, query, scopes_for(team_id, visible), limit))
    if not found:
        return []
    top = max(found.values()) or 1.0
    facts = load_facts(db, list(found), visible)
    hits = []
    for item_id, rel in found.items():
        fact = facts.get(item_id)
        if fact is None or fact.flags >= FLAG_LIMIT:
            continue
        age_days = max(0.0, now - _seconds(fact.created_ts)) / 86400
        recency = 0.5 + 0.5 * 0.5 ** (age_days / HALF_LIFE_DAYS)
        score = rel / top * (1 + 0.5 * math.log2(1 + fact.votes)) * recency
        hits.append(_hit(db, team_id, item_id, fact, score))
    return sorted(hits, key=lambda h: (-h.score, h.item_id))


def _hit(db: Database, team_id: str, item_id: str, fact: Facts, score: float) -> Hit:
    user, channel, ts, private, share_text = fact.share
    text = fact.text
    if private:  # seen through a private share: show what that share said
        text = _readable(db, team_id, share_text or "")
    return Hit(item_id, fact.kind, fact.url, fact.title, text, user, channel, ts, fact.votes,
               score, *fact.answer)  # fmt: skip


def _seconds(ts: str) -> float:
    try:
        return float(ts)
    except (TypeError, ValueError):
        return 0.0


def record_gap(db: Database, team_id: str, query: str, at: float | None = None) -> None:
    """A search found nothing: the team may not know this yet."""
    db.execute(
        "INSERT INTO knowledge_gaps (team_id, query, at) VALUES (?, ?, ?)",
        [team_id, query[:200], time.time() if at is None else at],
    )


def knowledge_gaps(
    db: Database, team_id: str, since: float, until: float | None = None, limit: int = 10
) -> list[tuple[str, int]]:
    """The most searched queries that found nothing in a period: (query, count)."""
    rows = db.execute(
        "SELECT query, count(*) AS n FROM knowledge_gaps WHERE team_id = ? AND at >= ?"
        " AND at < ? GROUP BY query ORDER BY n DESC, query LIMIT ?",
        [team_id, since, until if until is not None else float("inf"), limit],
    )
    return [(str(query), int(n)) for query, n in rows]
