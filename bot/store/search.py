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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.slacktext import readable
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
    content = [w for w in loose if w not in IGNORED]
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
    answer = None
    if kind == "question":
        row = db.execute("SELECT best_text FROM questions WHERE item_id = ?", [item_id]).fetchone()
        answer = (row or [""])[0] or ""
    return docs_for(team_id, title, description, shares, answer,
                    lambda text: _readable(db, team_id, text))  # fmt: skip


def docs_for(
    team_id: str, title: str | None, description: str | None, shares: Iterable[Any],
    answer: str | None, readable_text: Callable[[str], str],
) -> dict[str, tuple[str, str]]:  # fmt: skip
    """An item's documents from its shares (channel, text, is_private), first share first; a
    question's best answer (`answer`, None for other kinds) is in every document."""
    texts: dict[str, list[str]] = {}
    for channel, text, private in shares:
        scope = f"{team_id}/{channel}" if private else team_id
        texts.setdefault(scope, []).append(readable_text(text or ""))
    if answer is not None:
        for parts in texts.values():
            parts.append(readable_text(answer))
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


class RowidAllocator:
    """`_new_rowid` for many documents written at once: rowids handed out are remembered, as
    they reach the table only when the whole chunk is written."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.next: dict[int, int] = {}
        self.beyond: set[int] = set()  # rowids given past the end of the table
        self.top = 0

    def take(self, created_ts: str) -> int:
        """A free rowid for a new document of an item first shared at `created_ts`."""
        try:
            base = max(0, int(float(created_ts) * 1000)) << 10
        except (TypeError, ValueError):
            base = 0
        free = self.next.get(base)
        if free is None:
            top = self.db.execute(
                "SELECT max(rowid) FROM search_docs WHERE rowid BETWEEN ? AND ?",
                [base, base + 1023],
            ).fetchone()[0]
            free = base if top is None else int(top) + 1
        while free in self.beyond:
            free += 1
        if free <= base + 1023:
            self.next[base] = free + 1
        else:  # a millisecond with 1,024 documents: past the end, as _new_rowid does
            last = self.db.execute("SELECT max(rowid) FROM search_docs").fetchone()[0]
            free = max(int(last or 0), self.top) + 1
            self.beyond.add(free)
        self.top = max(self.top, free)
        return free


def drop_docs(db: Database, docs: list[tuple[int, str, str, str]]) -> None:
    """Delete documents (rowid, title, body, scope) from the index and the table."""
    db.conn.executemany(
        "INSERT INTO search_fts (search_fts, rowid, title, body, scope)"
        " VALUES ('delete', ?, ?, ?, ?)", docs,
    )  # fmt: skip
    db.conn.executemany("DELETE FROM search_docs WHERE rowid = ?", [(d[0],) for d in docs])


def add_docs(db: Database, docs: list[tuple[int, str, str, str, str, str]]) -> None:
    """Add documents (rowid, item id, team id, scope, title, body) and index them in one
    statement: one pass of the tokenizer, no per-row round trips."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS new_docs (rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM new_docs")
    db.conn.executemany(
        "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body)"
        " VALUES (?, ?, ?, ?, ?, ?)", docs,
    )  # fmt: skip
    db.conn.executemany("INSERT INTO new_docs (rowid) VALUES (?)", [(d[0],) for d in docs])
    db.execute(
        "INSERT INTO search_fts (rowid, title, body, scope) SELECT d.rowid, d.title, d.body,"
        " d.scope FROM new_docs n JOIN search_docs d ON d.rowid = n.rowid ORDER BY d.rowid"
    )


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


def scopes_for(team_id: str, private_channels: Iterable[str]) -> list[str]:
    """The documents a person may read: the public ones and their private channels'."""
    return [team_id, *(f"{team_id}/{c}" for c in sorted(set(private_channels)))]


def candidates(
    db: Database, query: Query, scopes: list[str], limit: int = CANDIDATES
) -> list[tuple[str, float]]:
    """The newest matching documents in `scopes`: (item id, text relevance), relevance > 0."""
    marks = ", ".join("?" for _ in scopes)
    rows = db.execute(
        "SELECT d.item_id, m.rank FROM (SELECT rowid, bm25(search_fts, 4.0, 1.0) AS rank"
        f" FROM search_fts WHERE search_fts MATCH ? AND scope IN ({marks})"
        " ORDER BY rowid DESC LIMIT ?) AS m JOIN search_docs d ON d.rowid = m.rowid",
        [query.match, *scopes, limit],
    ).fetchall()
    best: dict[str, float] = {}
    for item_id, rank in rows:
        best[item_id] = max(best.get(item_id, 0.0), -float(rank))  # bm25: lower is better
    return list(best.items())


def search(
    db: Database, team_id: str, query: Query, private_channels: Iterable[str], now: float,
    limit: int = CANDIDATES,
) -> list[Hit]:  # fmt: skip
    """Items matching every word, best first: text relevance blended with votes and recency."""
    visible = set(private_channels)
    found = candidates(db, query, scopes_for(team_id, visible), limit)
    if not found:
        return []
    top = max(rel for _, rel in found) or 1.0
    hits = [
        hit for item_id, rel in found
        if (hit := _hit(db, team_id, item_id, rel / top, visible, now)) is not None
    ]  # fmt: skip
    return sorted(hits, key=lambda h: (-h.score, h.item_id))


def _hit(
    db: Database, team_id: str, item_id: str, relevance: float, visible: set[str], now: float
) -> Hit | None:
    item = db.execute(
        "SELECT kind, url, title, text, created_ts FROM items WHERE id = ?", [item_id]
    ).fetchone()
    flags = db.execute(
        "SELECT count(DISTINCT flagger) FROM flags WHERE item_id = ?", [item_id]
    ).fetchone()[0]
    share = _visible_share(db, item_id, visible)
    if item is None or share is None or flags >= FLAG_LIMIT:
        return None
    kind, url, title, text, created_ts = item
    votes = _visible_votes(db, item_id, visible)
    age_days = max(0.0, now - _seconds(created_ts)) / 86400
    recency = 0.5 + 0.5 * 0.5 ** (age_days / HALF_LIFE_DAYS)
    score = relevance * (1 + 0.5 * math.log2(1 + votes)) * recency
    answer = None, None
    if kind == "question":
        row = db.execute(
            "SELECT best_text, best_user FROM questions WHERE item_id = ?", [item_id]
        ).fetchone()
        answer = (row[0], row[1]) if row else answer
    if share[3]:  # seen through a private share: show what that share said
        text = _readable(db, team_id, share[4] or "")
    return Hit(item_id, kind, url, title, text, share[0], share[1], share[2], votes, score,
               *answer)  # fmt: skip


def _visible_share(db: Database, item_id: str, visible: set[str]) -> tuple[Any, ...] | None:
    """The first share the searcher may see: (user, channel, ts, is_private, text)."""
    rows = db.execute(
        "SELECT user, channel, ts, is_private, text FROM shares WHERE item_id = ?"
        " ORDER BY is_private, at, ts", [item_id],
    )  # fmt: skip
    for row in rows:
        if not row[3] or row[1] in visible:
            return tuple(row)
    return None


def _visible_votes(db: Database, item_id: str, visible: set[str]) -> int:
    """Voters the searcher may know of: public votes, and votes in their private channels."""
    rows = db.execute("SELECT voter, via, is_private FROM votes WHERE item_id = ?", [item_id])
    voters = {
        voter for voter, via, private in rows
        if not private or (via.startswith("m:") and via.split(":")[1] in visible)
    }  # fmt: skip
    return len(voters)


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
