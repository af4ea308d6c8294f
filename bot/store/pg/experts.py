"""PostgreSQL twins of `bot/store/sql/experts.py`: the colleagues most likely to know.

The same evidence and scores as SQLite, with the search index read as `bot/store/pg/search.py`
reads it. Two estimates read other columns, as PostgreSQL's tables have no rowid: how many
items the workspace has is their count (SQLite's largest rowid also counts deleted items), and
a topic's newest TOPIC_ITEMS items are those first shared last, read in the order of an index
on each term row's copy of its item's first-share time (`item_terms.created`, migration 19);
SQLite's are those whose terms were written last, which differs only for an item whose topics
were computed again.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psycopg import Connection

from bot.store.pg import team_items
from bot.store.pg.search import Window, _newest_matching, _window
from bot.store.sql import questions, search, trust
from bot.store.sql.experts import (
    ANSWERED,
    COMMON_FROM,
    EVIDENCE,
    NEAR_BONUS,
    PER_WORD,
    SHARED,
    TOPIC_ITEMS,
    VOTED,
    ExpertRules,
    Near,
    _idf,
    near_asker,
)
from bot.store.sql.questions import Question
from bot.store.sql.search import Query
from bot.store.twins import twin
from bot.topics import terms

Conn = Connection[Any]
# Each topic's newest items (topics numbered from 1 as the question names them), each topic's
# read in the order of the index item_terms_newest: nothing to sort, one statement for all.
TOPIC_NEWEST = (
    "SELECT t.n, x.item_id FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n)"
    " CROSS JOIN LATERAL (SELECT item_id FROM item_terms WHERE team_id = %s AND term = t.term"
    '  ORDER BY created DESC, item_id COLLATE "C" DESC LIMIT %s) AS x'
)

# What people did with a chunk of items, in one statement: shares (1), public votes (2) and best
# answers (3), summed in SQLite's order (kind by kind, items in index order; one person's
# additions for one item and kind are equal, so their order among themselves does not matter).
MARKS = (
    "SELECT * FROM ("
    ' SELECT 1 AS part, item_id, "user" AS person, channel, is_private FROM shares'
    "  WHERE item_id = ANY(%(ids)s)"
    " UNION ALL SELECT 2, item_id, voter, NULL, 0 FROM votes"
    "  WHERE item_id = ANY(%(ids)s) AND is_private = 0"
    " UNION ALL SELECT 3, item_id, best_user, NULL, 0 FROM questions WHERE item_id = ANY(%(ids)s)"
    ') AS m ORDER BY m.part, m.item_id COLLATE "C"'
)


def evidence(
    db: Conn, team_id: str, query: Query | None, text: str, scopes: list[str]
) -> dict[str, float]:
    """Items that match the question, with how well: {item id: weight}."""
    weights: defaultdict[str, float] = defaultdict(float)
    # The workspace's own counts: another workspace's size must not change who is asked.
    documents = team_items.item_count(db, team_id)
    newest, oldest = team_items.doc_span(db, team_id)
    matches = _word_matches(db, list(query.words) if query else [])
    reads = _window(db) if matches else None  # once for every word
    for match in matches:
        for item_id, weight in _word_evidence(
            db, match, scopes, documents, (newest or 0, oldest or 0), reads
        ):
            weights[item_id] += weight
    for item_id, weight in _topic_evidence(db, team_id, list(terms(text, None)), documents):
        weights[item_id] += weight
    return dict(weights)


def _topic_evidence(
    db: Conn, team_id: str, topics: list[str], documents: int
) -> list[tuple[str, float]]:
    """The newest TOPIC_ITEMS items of each of the question's topics but the commonest, each
    weighted by how rare its topic is; topic by topic, in the question's order (the order the
    weights are summed in, as on SQLite)."""
    found = dict(
        db.execute(
            "SELECT term, df FROM term_df WHERE team_id = %s AND term = ANY(%s)",
            [team_id, topics],
        ).fetchall()
    )
    idf: dict[str, float] = {}
    for term in topics:
        df = int(found.get(term) or 0)
        if df > 0 and not (documents >= COMMON_FROM and df * 3 > documents):
            idf[term] = _idf(documents, df)
    if not idf:
        return []
    chosen = list(idf)
    rows = db.execute(TOPIC_NEWEST, [chosen, team_id, TOPIC_ITEMS]).fetchall()
    return [(item_id, 0.1 * idf[chosen[n - 1]]) for n, item_id in sorted(rows, key=lambda r: r[0])]


def _word_matches(db: Conn, words: list[str]) -> list[str]:
    """Each word's tsquery as search builds it for the word alone (`_tsquery` of '"word"'),
    all in one statement; a word with nothing to match is left out."""
    if not words:
        return []
    rows = db.execute(
        "SELECT phraseto_tsquery('serendip_search', serendip_words(u.w))::text"
        " FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, n) ORDER BY u.n",
        [words],
    ).fetchall()
    return [f"({text})" for (text,) in rows if text]


def _word_evidence(
    db: Conn,
    match: str,
    scopes: list[str],
    documents: int,
    rowids: tuple[int, int],
    reads: Window,
) -> list[tuple[str, float]]:
    """A word's newest matches (`match`, its tsquery), each weighted by how rare the word is
    (estimated from how far back its newest PER_WORD matches reach among the documents' rowids,
    newest and oldest, as on SQLite); read from `reads` (search._window)."""
    newest, oldest = rowids
    rows = _newest_matching(db, match, scopes, PER_WORD, reads)
    if not rows:
        return []
    found = len(rows)
    if found == PER_WORD:
        found = int(PER_WORD * max(1, newest - oldest) / max(1, newest - rows[-1][1]))
    if documents >= COMMON_FROM and found * 3 > documents:
        return []  # in a third of everything: it says nothing about the subject
    return [(item_id, 0.1 * _idf(documents, found)) for item_id, _ in rows]


def score_people(
    db: Conn, team_id: str, items: dict[str, float], scopes: list[str]
) -> dict[str, float]:
    """People by what they shared, answered and voted on among `items`."""
    scores: defaultdict[str, float] = defaultdict(float)
    ids = sorted(items, key=lambda i: (-items[i], i))[:EVIDENCE]
    channels = {s.split("/", 1)[1] for s in scopes if "/" in s}
    for start in range(0, len(ids), 400):
        rows = db.execute(MARKS, {"ids": ids[start : start + 400]}).fetchall()
        for part, item_id, person, channel, private in rows:
            if part == 1 and person and (not private or channel in channels):
                scores[person] += SHARED * items[item_id]
            elif part == 2:
                scores[person] += VOTED * items[item_id]
            elif part == 3 and person:
                scores[person] += ANSWERED * items[item_id]
    return scores


def choose(
    db: Conn,
    team_id: str,
    query: Query | None,
    text: str,
    scopes: list[str],
    rules: ExpertRules,
    limit: int = 3,
    near: Near | None = None,
) -> list[str]:
    """Up to `limit` people to ask, best first, within the rules; with `near`, evidence of
    people one or two steps from the asker counts NEAR_BONUS times."""
    scores = score_people(db, team_id, evidence(db, team_id, query, text, scopes), scopes)
    chosen: list[tuple[float, int, str]] = []  # (-adjusted score, steps, person)
    for person, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(chosen) >= limit and score * (NEAR_BONUS if near else 1.0) < -chosen[limit - 1][0]:
            break  # nobody further down can reach the chosen any more
        if not _may_ask(db, team_id, person, rules):
            continue
        step = near(person) if near else None
        bonus = NEAR_BONUS if step is not None and step <= 2 else 1.0
        chosen.append((-score * bonus, 3 if step is None else step, person))
        chosen.sort()
    return [person for _, _, person in chosen[:limit]]


def _may_ask(db: Conn, team_id: str, person: str, rules: ExpertRules) -> bool:
    if person in rules.exclude or (rules.members is not None and person not in rules.members):
        return False
    row = db.execute(
        "SELECT u.is_bot, u.deleted, p.opted_out, p.routing FROM (SELECT 1) AS one"
        " LEFT JOIN users u ON u.team_id = %s AND u.id = %s"
        " LEFT JOIN person_settings p ON p.team_id = %s AND p.user_id = %s",
        [team_id, person, team_id, person],
    ).fetchone()
    is_bot, deleted, opted_out, routing = row if row else (None, None, None, None)
    if is_bot or deleted or opted_out or routing == "off":
        return False
    routed_count = twin(questions.routed_count, "postgresql")  # the questions area's twin
    return routed_count(db, team_id, person, rules.since) < rules.cap  # type: ignore[arg-type]


def choose_for(db: Conn, question: Question, rules: ExpertRules, limit: int) -> list[str]:
    """The people most likely to answer `question`, searching only where it was asked."""
    private = [question.channel] if question.is_private and question.channel else []
    scopes = search.scopes_for(question.team_id, private)
    query = search.parse_query(question.text, any_word=True)
    near = None
    if rules.now is not None and not question.anon:  # an anonymous asker's ties stay unused
        now, team = rules.now, question.team_id
        network_of = twin(trust.network_of, "postgresql")  # the trust area's twin
        near = near_asker(question.asker, lambda p: network_of(db, team, p, now))  # type: ignore[arg-type]
    return choose(db, question.team_id, query, question.text, scopes, rules, limit, near)


def routing_on(db: Conn, team_id: str, user_id: str) -> bool:
    """Whether questions may be routed to a person (on unless they turned it off)."""
    row = db.execute(
        "SELECT routing FROM person_settings WHERE team_id = %s AND user_id = %s",
        [team_id, user_id],
    ).fetchone()
    return not (row and row[0] == "off")
