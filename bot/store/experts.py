"""Choosing the colleagues most likely to know the answer to a question.

Evidence comes from items that match the question: by its words (the search index, newest
matches first, so a common word costs no more than a rare one) and by its topics (the terms of
item titles and descriptions, weighted by how rare they are in the workspace). A person scores
for sharing such an item, more for having given a best answer about it, less for voting on it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlite_utils import Database

from bot.store.search import Query, candidates
from bot.topics import terms

SHARED, ANSWERED, VOTED = 3.0, 4.0, 1.0
WORD_ITEMS = 300
TOPIC_ITEMS = 100


@dataclass(frozen=True)
class ExpertRules:
    """Who may be asked: never these people, only members (when given), under the cap."""

    exclude: frozenset[str]
    members: frozenset[str] | None
    cap: int
    since: float


def evidence(
    db: Database, team_id: str, query: Query | None, text: str, scopes: list[str]
) -> dict[str, float]:
    """Items that match the question, with how well: {item id: weight}."""
    weights: defaultdict[str, float] = defaultdict(float)
    found = candidates(db, query, scopes, WORD_ITEMS) if query else []
    top = max((rel for _, rel in found), default=0.0) or 1.0
    for item_id, rel in found:
        weights[item_id] += rel / top
    documents = db.execute("SELECT max(rowid) FROM items").fetchone()[0] or 1
    for term in terms(text, None):
        row = db.execute(
            "SELECT df FROM term_df WHERE team_id = ? AND term = ?", [team_id, term]
        ).fetchone()
        if not row or row[0] <= 0:
            continue
        idf = math.log((documents + 1) / (row[0] + 1))
        rows = db.execute(
            "SELECT item_id FROM item_terms WHERE team_id = ? AND term = ?"
            " ORDER BY rowid DESC LIMIT ?", [team_id, term, TOPIC_ITEMS],
        )  # fmt: skip
        for (item_id,) in rows:
            weights[item_id] += 0.1 * idf
    return dict(weights)


def score_people(
    db: Database, team_id: str, items: dict[str, float], scopes: list[str]
) -> dict[str, float]:
    """People by what they shared, answered and voted on among `items`."""
    scores: defaultdict[str, float] = defaultdict(float)
    ids = list(items)
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
    db: Database, team_id: str, query: Query | None, text: str, scopes: list[str],
    rules: ExpertRules, limit: int = 3,
) -> list[str]:  # fmt: skip
    """Up to `limit` people to ask, best first, within the rules."""
    scores = score_people(db, team_id, evidence(db, team_id, query, text, scopes), scopes)
    chosen: list[str] = []
    for person, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(chosen) == limit:
            break
        if _may_ask(db, team_id, person, rules):
            chosen.append(person)
    return chosen


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
    routed = db.execute(
        "SELECT count(*) FROM routings WHERE team_id = ? AND user_id = ? AND at >= ?",
        [team_id, person, rules.since],
    ).fetchone()[0]
    return int(routed) < rules.cap
