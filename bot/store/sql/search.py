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
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.store.sql.capture import ts_seconds
from bot.store.sql.hits import Facts, Hit, load_facts
from bot.store.sql.search_index import readable_text
from bot.topics import STOPWORDS

MAX_WORDS = 16
MAX_WORD = 64
# How many of the newest matches are ranked; older matches of words this common are found by
# adding words to the query.
CANDIDATES = 400
TOP_CANDIDATES = 200
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


# -- searching --------------------------------------------------------------------------------
def scopes_for(team_id: str, private_channels: Iterable[str]) -> list[str]:
    """The documents a person may read: the public ones and their private channels'."""
    return [team_id, *(f"{team_id}/{c}" for c in sorted(set(private_channels)))]


def candidates(
    db: Database,
    query: Query,
    scopes: list[str],
    limit: int = CANDIDATES,
    index: str = "search_fts",
) -> list[tuple[str, float]]:
    """The newest matching documents in `scopes`: (item id, text relevance), relevance > 0.

    Relevance comes from highlight() marks (title hits weigh 4, both saturate, the body is
    normalised by length), not bm25(): bm25 counts every match of each word for its weights,
    which costs as much as ranking them all. `index` is search_fts (everything) or search_top
    (well-voted items only).
    """
    marks = ", ".join("?" for _ in scopes)
    rows = db.execute(
        "SELECT d.item_id, m.t, m.b FROM (SELECT rowid,"
        f" highlight({index}, 0, char(2), char(3)) AS t,"
        f" highlight({index}, 1, char(2), char(3)) AS b"
        f" FROM {index} WHERE {index} MATCH ? AND scope IN ({marks})"
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
    db: Database,
    team_id: str,
    query: Query,
    private_channels: Iterable[str],
    now: float,
    limit: int = CANDIDATES,
) -> list[Hit]:
    """Items matching every word, best first: text relevance blended with votes and recency."""
    visible = set(private_channels)
    scopes = scopes_for(team_id, visible)
    # The newest matches, and the newest well-voted ones, which reach much further back.
    found = dict(candidates(db, query, scopes, TOP_CANDIDATES, "search_top"))
    found.update(candidates(db, query, scopes, limit))
    if not found:
        return []
    top = max(found.values()) or 1.0
    facts = load_facts(db, list(found), visible)
    hits = []
    for item_id, rel in found.items():
        fact = facts.get(item_id)
        if fact is None or fact.flags >= FLAG_LIMIT:
            continue
        age_days = max(0.0, now - ts_seconds(fact.created_ts)) / 86400
        recency = 0.5 + 0.5 * 0.5 ** (age_days / HALF_LIFE_DAYS)
        score = rel / top * (1 + 0.5 * math.log2(1 + fact.votes)) * recency
        hits.append(_hit(db, team_id, item_id, fact, score))
    return sorted(hits, key=lambda h: (-h.score, h.item_id))


def _hit(db: Database, team_id: str, item_id: str, fact: Facts, score: float) -> Hit:
    user, channel, ts, private, share_text = fact.share
    text = fact.text
    if private:  # seen through a private share: show what that share said
        text = readable_text(db, team_id, share_text or "")
    answer, answerer = fact.answer
    if answer:
        answer = readable_text(db, team_id, answer)  # as a person reads it, like the export
    return Hit(
        item_id,
        fact.kind,
        fact.url,
        fact.title,
        text,
        user,
        channel,
        ts,
        fact.votes,
        score,
        answer,
        answerer,
    )


def record_gap(db: Database, team_id: str, query: str, at: float) -> None:
    """A search found nothing: the team may not know this yet."""
    db.execute(
        "INSERT INTO knowledge_gaps (team_id, query, at) VALUES (?, ?, ?)",
        [team_id, query[:200], at],
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
