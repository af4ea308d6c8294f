"""Why an expert was asked: the one piece of evidence that counted most for them.

Read from the same evidence as the choice (bot/store/sql/experts.py), within the same scopes,
so a reason never cites what the question's place does not show: for a question in a public
channel only public items, for one in a private channel its own items too (every expert
asked there is a member).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from bot.store.sql import experts, search
from bot.store.sql.questions import Question
from bot.store.sql.search_index import readable_text

SHARED, ANSWERED, VOTED = "shared", "answered", "voted"
TOPIC_WORDS = 3


@dataclass(frozen=True)
class Reason:
    """What a person did that made them likely to know: shared, answered or voted on `about`
    (an item's title or first line; for an answer, what the question and it share)."""

    kind: str
    about: str


def reason_for(db: Database, question: Question, person: str) -> Reason | None:
    """The evidence that weighed most for `person` on `question`, if any can be shown."""
    private = [question.channel] if question.is_private and question.channel else []
    scopes = search.scopes_for(question.team_id, private)
    query = search.parse_query(question.text, any_word=True)
    weights = experts.evidence(db, question.team_id, query, question.text, scopes)
    ids = sorted(weights, key=lambda i: (-weights[i], i))[: experts.EVIDENCE]
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
    db: Database,
    team_id: str,
    person: str,
    chunk: list[str],
    channels: set[str],
    weights: dict[str, float],
) -> list[tuple[float, str, str]]:
    """What the person shared, answered and voted on among `chunk`, weighted as the choice
    weighs them; a share or answer in a private channel counts only in that channel."""
    marks = ", ".join("?" for _ in chunk)
    found: list[tuple[float, str, str]] = []
    for item_id, channel, private in db.execute(
        f"SELECT item_id, channel, is_private FROM shares WHERE team_id = ? AND user = ?"
        f" AND item_id IN ({marks})",
        [team_id, person, *chunk],
    ):
        if not private or channel in channels:
            found.append((experts.SHARED * weights[item_id], SHARED, item_id))
    for item_id, channel, private in db.execute(
        f"SELECT item_id, channel, is_private FROM questions WHERE team_id = ? AND best_user = ?"
        f" AND item_id IN ({marks})",
        [team_id, person, *chunk],
    ):
        if not private or channel in channels:
            found.append((experts.ANSWERED * weights[item_id], ANSWERED, item_id))
    for (item_id,) in db.execute(
        f"SELECT item_id FROM votes WHERE team_id = ? AND voter = ? AND is_private = 0"
        f" AND item_id IN ({marks})",
        [team_id, person, *chunk],
    ):
        found.append((experts.VOTED * weights[item_id], VOTED, item_id))
    return found


def _visible(db: Database, item_id: str, scopes: list[str]) -> bool:
    """Whether the item can be found from the question's place (and is not hidden by flags)."""
    marks = ", ".join("?" for _ in scopes)
    found = db.execute(
        f"SELECT 1 FROM search_docs WHERE item_id = ? AND scope IN ({marks}) LIMIT 1",
        [item_id, *scopes],
    ).fetchone()
    flags = db.execute(
        "SELECT count(DISTINCT flagger) FROM flags WHERE item_id = ?", [item_id]
    ).fetchone()[0]
    return found is not None and int(flags) < search.FLAG_LIMIT


def _about(
    db: Database,
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
    row = db.execute("SELECT title FROM items WHERE id = ?", [item_id]).fetchone()
    if row and row[0]:
        return str(row[0])
    # No title: the words of a share the expert may see, their own first.
    for text, channel, private in db.execute(
        "SELECT text, channel, is_private FROM shares WHERE item_id = ? ORDER BY user = ? DESC, at",
        [item_id, person],
    ):
        if text and (not private or channel in channels):
            return readable_text(db, question.team_id, str(text))
    return ""


def _shared_words(
    db: Database, text: str, query: search.Query | None, item_id: str, scopes: list[str]
) -> str:
    """The question's words that an answered question's item matches, as the asker typed
    them (up to TOPIC_WORDS)."""
    marks = ", ".join("?" for _ in scopes)
    docs = [
        row[0]
        for row in db.execute(
            f"SELECT rowid FROM search_docs WHERE item_id = ? AND scope IN ({marks})",
            [item_id, *scopes],
        )
    ]
    if not docs or query is None:
        return ""
    doc_marks = ", ".join("?" for _ in docs)
    shown: list[str] = []
    for word in query.words:
        hit = db.execute(
            f"SELECT 1 FROM search_fts WHERE search_fts MATCH ? AND rowid IN ({doc_marks})",
            [f'"{word}"', *docs],
        ).fetchone()
        if hit:
            typed = re.search(re.escape(word), text, re.IGNORECASE)
            shown.append(typed.group(0) if typed else word)
        if len(shown) == TOPIC_WORDS:
            break
    return " and ".join(shown) if len(shown) < 3 else ", ".join(shown[:-1]) + " and " + shown[-1]
