"""Choosing the colleagues most likely to know the answer to a question.

Evidence comes from items that match the question: by each of its words (the search index,
newest matches first, so a common word costs no more than a rare one, weighted by how rare
the word is) and by its topics (the terms of
item titles and descriptions, weighted by how rare they are in the workspace). A person scores
for sharing such an item, more for having given a best answer about it, less for voting on it.
Between people of similar evidence, those near the asker in the network of trust (one or two
steps away, bot/network.py) come first: they are likelier to answer a colleague.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.network import Network, steps
from bot.store.sql import questions, search, team_items, trust
from bot.store.sql.questions import Question
from bot.store.sql.search import Query
from bot.topics import terms

SHARED, ANSWERED, VOTED = 3.0, 4.0, 1.0
PER_WORD = 60
TOPIC_ITEMS = 100
EVIDENCE = 200  # the best-matching items whose people are scored
COMMON_FROM = 50  # below this many items, no word is too common to tell
NEAR_BONUS = 1.25  # a near expert goes before one with up to a quarter more evidence
Near = Callable[[str], int | None]  # a candidate's steps from the asker, None when far


@dataclass(frozen=True)
class ExpertRules:
    """Who may be asked: never these people, only members (when given), under the cap."""

    exclude: frozenset[str]
    members: frozenset[str] | None
    cap: int
    since: float
    now: float | None = None  # when given, near experts go first (the network of trust at now)


def evidence(
    db: Database, team_id: str, query: Query | None, text: str, scopes: list[str]
) -> dict[str, float]:
    """Items that match the question, with how well: {item id: weight}."""
    weights: defaultdict[str, float] = defaultdict(float)
    # The workspace's own counts: another workspace's size must not change who is asked.
    documents = team_items.item_count(db, team_id)
    newest, oldest = team_items.doc_span(db, team_id)
    for word in query.words if query else ():
        for item_id, weight in _word_evidence(
            db, word, scopes, documents, newest or 0, oldest or 0
        ):
            weights[item_id] += weight
    for term in terms(text, None):
        row = db.execute(
            "SELECT df FROM term_df WHERE team_id = ? AND term = ?", [team_id, term]
        ).fetchone()
        if not row or row[0] <= 0 or (documents >= COMMON_FROM and row[0] * 3 > documents):
            continue
        idf = _idf(documents, int(row[0]))
        rows = db.execute(
            "SELECT item_id FROM item_terms WHERE team_id = ? AND term = ?"
            " ORDER BY rowid DESC LIMIT ?",
            [team_id, term, TOPIC_ITEMS],
        )
        for (item_id,) in rows:
            weights[item_id] += 0.1 * idf
    return dict(weights)


def _word_evidence(
    db: Database, word: str, scopes: list[str], documents: int, newest: int, oldest: int
) -> list[tuple[str, float]]:
    """A word's newest matches, each weighted by how rare the word is.

    How rare is estimated without counting every match: rowids follow share time, so if the
    newest PER_WORD matches reach back over a tenth of the time span, the word is in about
    a tenth of the documents.
    """
    marks = ", ".join("?" for _ in scopes)
    rows = db.execute(
        "SELECT d.item_id, m.rowid FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ?"
        f" AND scope IN ({marks}) ORDER BY rowid DESC LIMIT ?) AS m"
        " JOIN search_docs d ON d.rowid = m.rowid",
        [f'"{word}"', *scopes, PER_WORD],
    ).fetchall()
    if not rows:
        return []
    found = len(rows)
    if found == PER_WORD:
        found = int(PER_WORD * max(1, newest - oldest) / max(1, newest - rows[-1][1]))
    if documents >= COMMON_FROM and found * 3 > documents:
        return []  # in a third of everything: it says nothing about the subject
    return [(item_id, 0.1 * _idf(documents, found)) for item_id, _ in rows]


def _idf(documents: int, found: int) -> float:
    """How rare a word or term is; smoothed, so it stays positive in a small workspace."""
    return math.log(1 + (documents + 1) / (found + 1))


def score_people(
    db: Database, team_id: str, items: dict[str, float], scopes: list[str]
) -> dict[str, float]:
    """People by what they shared, answered and voted on among `items`."""
    scores: defaultdict[str, float] = defaultdict(float)
    ids = sorted(items, key=lambda i: (-items[i], i))[:EVIDENCE]
    channels = {s.split("/", 1)[1] for s in scopes if "/" in s}
    for start in range(0, len(ids), 400):
        chunk = ids[start : start + 400]
        marks = ", ".join("?" for _ in chunk)
        for item_id, user, channel, private in db.execute(
            f"SELECT item_id, user, channel, is_private FROM shares WHERE item_id IN ({marks})",
            chunk,
        ):
            if user and (not private or channel in channels):
                scores[user] += SHARED * items[item_id]
        for item_id, voter in db.execute(
            f"SELECT item_id, voter FROM votes WHERE item_id IN ({marks}) AND is_private = 0", chunk
        ):
            scores[voter] += VOTED * items[item_id]
        for item_id, answerer in db.execute(
            f"SELECT item_id, best_user FROM questions WHERE item_id IN ({marks})", chunk
        ):
            if answerer:
                scores[answerer] += ANSWERED * items[item_id]
    return scores


def choose(
    db: Database,
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


def near_asker(asker: str | None, network_of: Callable[[str], Network]) -> Near | None:
    """How many steps each candidate is from the asker (networks read once each)."""
    if not asker:
        return None
    known: dict[str, Network] = {}

    def cached(person: str) -> Network:
        if person not in known:
            known[person] = network_of(person)
        return known[person]

    return lambda person: steps(asker, person, cached)


def _may_ask(db: Database, team_id: str, person: str, rules: ExpertRules) -> bool:
    if person in rules.exclude or (rules.members is not None and person not in rules.members):
        return False
    row = db.execute(
        "SELECT u.is_bot, u.deleted, p.opted_out, p.routing FROM (SELECT 1)"
        " LEFT JOIN users u ON u.team_id = ? AND u.id = ?"
        " LEFT JOIN person_settings p ON p.team_id = ? AND p.user_id = ?",
        [team_id, person, team_id, person],
    ).fetchone()
    is_bot, deleted, opted_out, routing = row
    if is_bot or deleted or opted_out or routing == "off":
        return False
    return questions.routed_count(db, team_id, person, rules.since) < rules.cap


def choose_for(db: Database, question: Question, rules: ExpertRules, limit: int) -> list[str]:
    """The people most likely to answer `question`, searching only where it was asked."""
    private = [question.channel] if question.is_private and question.channel else []
    scopes = search.scopes_for(question.team_id, private)
    query = search.parse_query(question.text, any_word=True)
    near = None
    if rules.now is not None and not question.anon:  # an anonymous asker's ties stay unused
        now, team = rules.now, question.team_id
        near = near_asker(question.asker, lambda p: trust.network_of(db, team, p, now))
    return choose(db, question.team_id, query, question.text, scopes, rules, limit, near)


def routing_on(db: Database, team_id: str, user_id: str) -> bool:
    """Whether questions may be routed to a person (on unless they turned it off)."""
    row = db.execute(
        "SELECT routing FROM person_settings WHERE team_id = ? AND user_id = ?", [team_id, user_id]
    ).fetchone()
    return not (row and row[0] == "off")
