"""PostgreSQL twin of `bot/store/sql/expert_reasons.py`: why an expert was asked, read from
the same evidence as the choice (`bot/store/pg/experts.py`), within the same scopes."""

from __future__ import annotations

import re
from typing import Any

from psycopg import Connection

from bot.store.pg import experts
from bot.store.pg.search import _tsquery
from bot.store.pg.search_index import readable_text
from bot.store.sql import search
from bot.store.sql.expert_reasons import ANSWERED, SHARED, TOPIC_WORDS, VOTED, Reason
from bot.store.sql.experts import ANSWERED as ANSWER_WEIGHT
from bot.store.sql.experts import EVIDENCE
from bot.store.sql.experts import SHARED as SHARE_WEIGHT
from bot.store.sql.experts import VOTED as VOTE_WEIGHT
from bot.store.sql.questions import Question

Conn = Connection[Any]


def reason_for(db: Conn, question: Question, person: str) -> Reason | None:
    """The evidence that weighed most for `person` on `question`, if any can be shown."""
    private = [question.channel] if question.is_private and question.channel else []
    scopes = search.scopes_for(question.team_id, private)
    query = search.parse_query(question.text, any_word=True)
    weights = experts.evidence(db, question.team_id, query, question.text, scopes)
    ids = sorted(weights, key=lambda i: (-weights[i], i))[:EVIDENCE]
    ranked: list[tuple[float, str, str]] = []
    for start in range(0, len(ids), 400):
        chunk = ids[start : start + 400]
        ranked += _deeds(db, question.team_id, person, chunk, set(private), weights)
    for _, kind, item_id in sorted(ranked, key=lambda r: (-r[0], r[1], r[2])):
        if not _visible(db, item_id, scopes):
            continue
        about = _about(db, question, query, kind, item_id, person, set(private), scopes)
        if about:
            return Reason(kind, about)
    return None


def _deeds(
    db: Conn,
    team_id: str,
    person: str,
    chunk: list[str],
    channels: set[str],
    weights: dict[str, float],
) -> list[tuple[float, str, str]]:
    """What the person shared, answered and voted on among `chunk`, weighted as the choice
    weighs them; a share or answer in a private channel counts only in that channel."""
    found: list[tuple[float, str, str]] = []
    for item_id, channel, private in db.execute(
        'SELECT item_id, channel, is_private FROM shares WHERE team_id = %s AND "user" = %s'
        " AND item_id = ANY(%s)",
        [team_id, person, chunk],
    ).fetchall():
        if not private or channel in channels:
            found.append((SHARE_WEIGHT * weights[item_id], SHARED, item_id))
    for item_id, channel, private in db.execute(
        "SELECT item_id, channel, is_private FROM questions WHERE team_id = %s"
        " AND best_user = %s AND item_id = ANY(%s)",
        [team_id, person, chunk],
    ).fetchall():
        if not private or channel in channels:
            found.append((ANSWER_WEIGHT * weights[item_id], ANSWERED, item_id))
    for (item_id,) in db.execute(
        "SELECT item_id FROM votes WHERE team_id = %s AND voter = %s AND is_private = 0"
        " AND item_id = ANY(%s)",
        [team_id, person, chunk],
    ).fetchall():
        found.append((VOTE_WEIGHT * weights[item_id], VOTED, item_id))
    return found


def _visible(db: Conn, item_id: str, scopes: list[str]) -> bool:
    """Whether the item can be found from the question's place (and is not hidden by flags)."""
    found = db.execute(
        "SELECT 1 FROM search_docs WHERE item_id = %s AND scope = ANY(%s) LIMIT 1",
        [item_id, scopes],
    ).fetchone()
    row = db.execute(
        "SELECT count(DISTINCT flagger) FROM flags WHERE item_id = %s", [item_id]
    ).fetchone()
    return found is not None and int(row[0] if row else 0) < search.FLAG_LIMIT


def _about(
    db: Conn,
    question: Question,
    query: search.Query | None,
    kind: str,
    item_id: str,
    person: str,
    channels: set[str],
    scopes: list[str],
) -> str:
    """What the evidence was about, as the expert may read it."""
    if kind == ANSWERED:
        words = _shared_words(db, question.text, query, item_id, scopes)
        if words:
            return words
    row = db.execute("SELECT title FROM items WHERE id = %s", [item_id]).fetchone()
    if row and row[0]:
        return str(row[0])
    # No title: the words of a share the expert may see, their own first (SQLite sorts a
    # share with no author last, as false).
    for text, channel, private in db.execute(
        "SELECT text, channel, is_private FROM shares WHERE item_id = %s"
        ' ORDER BY ("user" = %s) DESC NULLS LAST, at',
        [item_id, person],
    ).fetchall():
        if text and (not private or channel in channels):
            return readable_text(db, question.team_id, str(text))
    return ""


def _shared_words(
    db: Conn, text: str, query: search.Query | None, item_id: str, scopes: list[str]
) -> str:
    """The question's words that an answered question's item matches, as the asker typed
    them (up to TOPIC_WORDS)."""
    docs = [
        row[0]
        for row in db.execute(
            "SELECT rowid FROM search_docs WHERE item_id = %s AND scope = ANY(%s)",
            [item_id, scopes],
        ).fetchall()
    ]
    if not docs or query is None:
        return ""
    shown: list[str] = []
    for word in query.words:
        built = _tsquery(db, search.Query(f'"{word}"', (word,)))
        hit = (
            built is not None
            and db.execute(
                "SELECT 1 FROM search_docs WHERE words @@ %s::tsquery AND rowid = ANY(%s)",
                [built[0], docs],
                prepare=False,  # planned for this word (bot/store/pg/search.py)
            ).fetchone()
        )
        if hit:
            typed = re.search(re.escape(word), text, re.IGNORECASE)
            shown.append(typed.group(0) if typed else word)
        if len(shown) == TOPIC_WORDS:
            break
    return " and ".join(shown) if len(shown) < 3 else ", ".join(shown[:-1]) + " and " + shown[-1]
