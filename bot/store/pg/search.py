"""PostgreSQL twins of `bot/store/sql/search.py`: bounded full-text search, PostgreSQL's own.

The same documents, scopes and ranking as SQLite: the newest CANDIDATES matches and the
newest TOP_CANDIDATES well-voted ones, each ranked by text relevance (title hits weigh 4, both
saturate, the body normalised by its length) blended with votes and recency. Where the two
backends tokenize a text alike, they find the same items and rank them with the same scores:

- Matching: `search_docs.words` (a tsvector, `bot/store/pg/schema.py`) against a tsquery built
  here from the query's terms, one `phraseto_tsquery` of a bound parameter per term, joined
  with `&` (every term) or `|` (any): user text is never tsquery syntax. A term with no
  indexable token matches nothing, as FTS5's empty phrase: it empties an all-terms query and
  drops out of an any-term one. No prefix matching: SQLite's queries have none either.
- Planning: the matching statement is never prepared. psycopg prepares a statement run five
  times, and PostgreSQL may then keep one generic plan for it, made blind to the words: after
  searches for common words it read the whole index newest first, and a rare word took 20
  times longer (bench/search.py --pg, 100,000 items). Unprepared, each search is planned for
  its own words. The planner cannot know a phrase's matches, only its words' (it estimates
  'design <-> team' as 'design & team', here 15 times too many), so it reads the newest
  documents back one by one until enough match, which took 37 ms for a phrase of two common
  words in 100 of 100,000 documents, where finding every match in the GIN index and sorting
  took 8. A phrase is therefore found through `search_docs.pairs` (migration 21): each
  document's adjacent words, two by two, under a GIN index of their own, so a phrase's
  documents come from the index as a word's do, and only they are checked against their
  positions (a phrase's pairs hold wherever it does; a longer one's may hold apart).
- Reading back: whatever the index, every match it lists is read from the table to learn its
  rowid: the phrase 'incident response' read all 11,000 of its documents at a million (93 ms)
  to keep the newest 400, and where the planner read newest first instead, a word in 0.3% of
  them read 25,000 to find 60 (24 ms). A query (and expert choice's word) therefore reads the
  newest WINDOW documents first; then, as dense as its matches were there, a second window
  reaching twice as far back as the rest should lie (rowids go by time: the first window's
  rowids per document measure the distance), unless that is more than READ_BACK documents;
  then every older match, sorted. Within each window the planner chooses between the rowid
  index and the full-text ones (bench/search.py --pg at a million items: 'incident response'
  26 ms instead of 72 to 93; that word 6 ms).
- Relevance: FTS5's highlight() marks are counted again from the tsvector's positions (the
  matches of each term's phrase, overlapping ones merged, title and body apart), so it is the
  same number, not ts_rank.

Where scores can differ, they differ because the tokens do (tests/bot/store/test_search_parity.py
pins the rest): PostgreSQL stems with Snowball's English (Porter2) where FTS5 has the original
Porter ('dying' finds 'die' here only); it keeps at most 256 positions of one word in a document
and none past the 16,383rd; Livonian 'ǡ' loses its marks here and not in FTS5; and a database
whose LC_CTYPE is C folds only ASCII letters and reads any other character as a letter (a
curly apostrophe joins two words there).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from psycopg import Connection

from bot.store.pg.hits import load_facts
from bot.store.pg.schema import PAIR_BYTES
from bot.store.pg.search_index import readable_text
from bot.store.sql.capture import ts_seconds
from bot.store.sql.hits import Facts, Hit
from bot.store.sql.search import (
    CANDIDATES,
    FLAG_LIMIT,
    HALF_LIFE_DAYS,
    TOP_CANDIDATES,
    Query,
    _relevance,
    scopes_for,
)

Conn = Connection[Any]
# A query reads the newest WINDOW documents first, then a second window
# where its matches there say the rest lies, unless that is more than READ_BACK documents back;
# then all its older matches are sorted (bench/search.py --pg, a million items).
WINDOW = 4096
READ_BACK = 250_000
Pattern = list[tuple[int, str]]  # a term's tokens: (offset in the phrase, lexeme)
Positions = dict[str, dict[int, str]]  # a document's lexeme -> {position: 'A' title, 'D' body}
Built = tuple[str, list[Pattern], str | None]  # tsquery, each term's tokens, pairs tsquery
TITLE, BODY = "A", "D"
ENTRY = re.compile(r"'((?:[^']|'')*)'(?::([0-9ABCD,]+))?")  # one lexeme of a tsvector's text


def _tsquery(db: Conn, query: Query) -> Built | None:
    """The query as a tsquery (PostgreSQL's own text of it), each term's tokens, and the
    phrases' pairs as a tsquery on `pairs` (None without a phrase); None when nothing can
    match."""
    rows = db.execute(
        "SELECT phraseto_tsquery('serendip_search', serendip_words(u.w))::text,"
        " (SELECT coalesce(json_agg(json_build_array(t.lexeme, t.positions)), '[]')"
        "  FROM unnest(to_tsvector('serendip_search', serendip_words(u.w))) t)"
        " FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, n) ORDER BY u.n",
        [list(query.words)],
    ).fetchall()
    any_term = query.match == " OR ".join(f'"{t}"' for t in query.words)
    if not any_term and any(not text for text, _ in rows):
        return None
    parts = [f"({text})" for text, _ in rows if text]
    if not parts:
        return None
    patterns = [_pattern(tokens) for _, tokens in rows]
    join = " | " if any_term else " & "
    return join.join(parts), patterns, _pairs_query(patterns, any_term)


def _pairs_query(patterns: list[Pattern], any_term: bool) -> str | None:
    """The pairs every match must have, as a tsquery on `search_docs.pairs`: each phrase's
    words side by side, two by two. Any term will do: only when every term is a phrase (a
    lone word has no pair to ask for)."""
    terms = [_pairs(pattern) for pattern in patterns if pattern]
    if any_term and not all(terms):
        return None
    wanted = [" & ".join(pairs) for pairs in terms if pairs]
    if not wanted:
        return None
    return " | ".join(f"({w})" for w in wanted) if any_term else " & ".join(wanted)


def _pairs(pattern: Pattern) -> list[str]:
    """A phrase's adjacent pairs as tsquery lexemes, quoted; a position with two lexemes (or a
    pair tsvector could not hold) asks for nothing: the words' own check decides there."""
    at: dict[int, list[str]] = {}
    for offset, lexeme in pattern:
        at.setdefault(offset, []).append(lexeme)
    pairs = []
    for offset, (lexeme, *more) in at.items():
        after = at.get(offset + 1)
        if more or after is None or len(after) > 1:
            continue
        pair = f"{lexeme} {after[0]}"
        if len(pair.encode()) <= PAIR_BYTES:
            pairs.append("'" + pair.replace("\\", "\\\\").replace("'", "''") + "'")
    return pairs


def _pattern(tokens: list[list[Any]]) -> Pattern:
    at = sorted((int(p), str(lexeme)) for lexeme, positions in tokens for p in positions)
    return [(p - at[0][0], lexeme) for p, lexeme in at] if at else []


Window = tuple[int, int] | None  # the newest rowid, and the WINDOW-th newest; None: few docs


def _window(db: Conn) -> Window:
    """Where the newest WINDOW documents begin (read once for several reads)."""
    row = db.execute(
        "SELECT max(rowid), (SELECT rowid FROM search_docs ORDER BY rowid DESC OFFSET %s LIMIT 1)"
        " FROM search_docs",
        [WINDOW],
    ).fetchone()
    return None if row is None or row[1] is None else (int(row[0]), int(row[1]))


def _matching_docs(
    db: Conn,
    built: Built,
    lexemes: list[str],
    scopes: list[str],
    limit: int,
    top_only: bool,
    newest: Window | bool = True,
) -> list[tuple[int, str, int, Positions]]:
    """The newest documents in `scopes` matching the query `built`: (rowid, item id, body
    length, where the query's `lexemes` are in it). The well-voted, few, are all found through
    their indexes; the others are read window by window, newest first (see the module's
    docstring), from `newest` when it is known (True: read it here)."""
    where, args = _where(built)
    first = [lexemes, *args, scopes]
    if top_only:  # few: read as planned
        return _docs(db, where, " AND top = 1", "rowid", [*first, limit])
    span = _window(db) if newest is True else newest
    if not span:  # a small store: everything is newest
        return _docs(db, where, "", "rowid", [*first, limit])
    top, floor = span
    found = _docs(db, where, " AND rowid > %s", "rowid", [*first, floor, limit])
    left = limit - len(found)
    # As dense further back as in the window: the rest lies within `reach` documents.
    reach = left * WINDOW / max(1, len(found))
    if left > 0 and reach <= READ_BACK:
        # Rowids go by time: the window's rowids per document say how far back reach goes;
        # twice that, for matches thinner further back.
        lower = floor - int(2 * reach * max(1, top - floor) / WINDOW)
        between = " AND rowid <= %s AND rowid > %s"
        found += _docs(db, where, between, "rowid", [*first, floor, lower, left])
        left, floor = limit - len(found), lower
    if left <= 0:
        return found
    # Sparse: every older match from the indexes, sorted (+ 0: not the rowid index's order).
    return found + _docs(db, where, " AND rowid <= %s", "rowid + 0", [*first, floor, left])


def _newest_matching(
    db: Conn, match: str, scopes: list[str], limit: int, newest: Window
) -> list[tuple[str, int]]:
    """(item id, rowid) of the newest `limit` documents in `scopes` matching the tsquery
    `match`, read as search reads them from `newest` (`_window`): expert choice's evidence."""
    found = _matching_docs(db, (match, [], None), [], scopes, limit, False, newest)
    return [(item_id, rowid) for rowid, item_id, _, _ in found]


def _where(built: Built) -> tuple[str, list[str]]:
    """What a match must be, and its arguments. A phrase's documents come from its pairs'
    index, and the whole query only checks them: read too, the words' index took 75 ms to list
    the 100,000 documents holding 'work' and 'code' (IS TRUE keeps the planner from it)."""
    match, _, pairs = built
    if pairs is None:
        return "words @@ %s::tsquery", [match]
    return "pairs @@ %s::tsquery AND (words @@ %s::tsquery) IS TRUE", [pairs, match]


def _docs(
    db: Conn, where: str, extra: str, order: str, args: list[Any]
) -> list[tuple[int, str, int, Positions]]:
    rows = db.execute(
        "SELECT m.rowid, m.item_id, length(coalesce(m.body, '')),"
        # Only the query's lexemes, as tsvector text: unnesting every lexeme into JSON took
        # twice as long as the whole read of the newest matches of a common word.
        " ts_delete(m.words, array(SELECT x FROM unnest(tsvector_to_array(m.words)) x"
        "  WHERE x <> ALL(%s)))::text"
        " FROM (SELECT rowid, item_id, body, words FROM search_docs"
        f"  WHERE {where} AND scope = ANY(%s){extra}"
        f"  ORDER BY {order} DESC LIMIT %s) AS m ORDER BY m.rowid DESC",
        args,
        prepare=False,  # planned for these words: see the module's docstring
    ).fetchall()
    return [
        (int(rowid), str(item), int(length), _positions(found))
        for rowid, item, length, found in rows
    ]


def _positions(text: str) -> Positions:
    """A tsvector's text ('it''s':3A,7 'go':1) as {lexeme: {position: weight}}: PostgreSQL
    doubles a quote or backslash in a lexeme and leaves out weight D."""
    found: Positions = {}
    for lexeme, spots in ENTRY.findall(text):
        where = found.setdefault(lexeme.replace("''", "'").replace("\\\\", "\\"), {})
        for spot in spots.split(",") if spots else ():
            weight = spot[-1] if spot[-1] in "ABC" else BODY
            where[int(spot.rstrip("ABC"))] = weight
    return found


def marks(patterns: list[Pattern], where: Positions, column: str) -> int:
    """How many spans FTS5's highlight() would mark in one column: each match of a term's
    phrase is one, and matches that overlap are one."""
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        if not pattern:
            continue
        first = pattern[0][1]
        for start, col in where.get(first, {}).items():
            if col == column and all(
                where.get(lexeme, {}).get(start + offset) == column for offset, lexeme in pattern
            ):
                spans.append((start, start + pattern[-1][0]))
    count, end = 0, -1
    for start, stop in sorted(spans):
        if start > end:
            count, end = count + 1, stop
        else:
            end = max(end, stop)
    return count


def candidates(
    db: Conn,
    query: Query,
    scopes: list[str],
    limit: int = CANDIDATES,
    index: str = "search_fts",
) -> list[tuple[str, float]]:
    """The newest matching documents in `scopes`: (item id, text relevance), relevance > 0;
    `index` "search_top" reads only the well-voted documents, as SQLite's second index."""
    built = _tsquery(db, query)
    return [] if built is None else _candidates(db, built, scopes, limit, index == "search_top")


def _candidates(
    db: Conn, built: Built, scopes: list[str], limit: int, top_only: bool
) -> list[tuple[str, float]]:
    patterns = built[1]
    lexemes = sorted({lexeme for pattern in patterns for _, lexeme in pattern})
    best: dict[str, float] = {}
    for _, item_id, length, where in _matching_docs(db, built, lexemes, scopes, limit, top_only):
        in_title, in_body = marks(patterns, where, TITLE), marks(patterns, where, BODY)
        # _relevance reads highlight()'s text: the body with two marks around each span.
        title, body = "\x02" * in_title, "\x02" * in_body + "." * (length + in_body)
        best[item_id] = max(best.get(item_id, 0.0), _relevance(title, body))
    return list(best.items())


def search(
    db: Conn,
    team_id: str,
    query: Query,
    private_channels: Iterable[str],
    now: float,
    limit: int = CANDIDATES,
) -> list[Hit]:
    """Items matching every word, best first: text relevance blended with votes and recency."""
    visible = set(private_channels)
    scopes = scopes_for(team_id, visible)
    built = _tsquery(db, query)  # once for both reads
    if built is None:
        return []
    # The newest matches, and the newest well-voted ones, which reach much further back.
    found = dict(_candidates(db, built, scopes, TOP_CANDIDATES, True))
    found.update(_candidates(db, built, scopes, limit, False))
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


def _hit(db: Conn, team_id: str, item_id: str, fact: Facts, score: float) -> Hit:
    """A result as SQLite's `search._hit` makes it, names read from PostgreSQL."""
    user, channel, ts, private, share_text = fact.share
    text = fact.text
    if private:  # seen through a private share: show what that share said
        text = readable_text(db, team_id, share_text or "")
    answer, answerer = fact.answer
    if answer:
        answer = readable_text(db, team_id, answer)
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


def record_gap(db: Conn, team_id: str, query: str, at: float) -> None:
    """A search found nothing: the team may not know this yet (PostgreSQL's text cannot hold
    a NUL character, so one typed is left out; SQLite keeps it)."""
    db.execute(
        "INSERT INTO knowledge_gaps (team_id, query, at) VALUES (%s, %s, %s)",
        [team_id, query[:200].replace("\x00", ""), at],
    )


def knowledge_gaps(
    db: Conn, team_id: str, since: float, until: float | None = None, limit: int = 10
) -> list[tuple[str, int]]:
    """The most searched queries that found nothing in a period: (query, count)."""
    rows = db.execute(
        "SELECT query, count(*) AS n FROM knowledge_gaps WHERE team_id = %s AND at >= %s"
        ' AND at < %s GROUP BY query ORDER BY n DESC, query COLLATE "C" LIMIT %s',
        [team_id, since, until if until is not None else float("inf"), limit],
    ).fetchall()
    return [(str(query), int(n)) for query, n in rows]
