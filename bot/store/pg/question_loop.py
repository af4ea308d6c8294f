"""PostgreSQL twins of `bot/store/sql/question_loop.py`: closing a question's loop (the
best-answer note, thanks, and experts' answers)."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

Conn = Connection[Any]


def set_note(db: Conn, question_id: str, ts: str | None) -> None:
    """Where the thread note crediting the best answer is (None: there is none)."""
    db.execute("UPDATE questions SET note_ts = %s WHERE id = %s", [ts, question_id])


def claim_thanks(db: Conn, team_id: str, channel: str, ts: str, now: float) -> bool:
    """True once per reply: its author is then thanked for it."""
    cursor = db.execute(
        "UPDATE replies SET thanked_at = %s WHERE team_id = %s AND channel = %s AND ts = %s"
        " AND thanked_at IS NULL",
        [now, team_id, channel, ts],
    )
    return cursor.rowcount == 1


def respond(db: Conn, question_id: str, user_id: str, response: str) -> str | None:
    """A routed person's answer (claimed or declined), kept once; returns what they had said
    already, or None when this answer was kept. 'not routed' when the question never
    reached them."""
    row = db.execute(
        "SELECT response FROM routings WHERE question_id = %s AND user_id = %s",
        [question_id, user_id],
    ).fetchone()
    if row is None:
        return "not routed"
    if row[0] is not None:
        return str(row[0])
    db.execute(
        "UPDATE routings SET response = %s WHERE question_id = %s AND user_id = %s",
        [response, question_id, user_id],
    )
    return None


def round_of(db: Conn, question_id: str, user_id: str) -> int:
    """The routing round that reached a person (0 when it did not)."""
    row = db.execute(
        "SELECT round FROM routings WHERE question_id = %s AND user_id = %s",
        [question_id, user_id],
    ).fetchone()
    return int(row[0]) if row else 0


def routed_since(db: Conn, team_id: str, since: float) -> set[str]:
    """Everyone who got a question routed to them since `since`."""
    rows = db.execute(
        "SELECT DISTINCT user_id FROM routings WHERE team_id = %s AND at >= %s", [team_id, since]
    )
    return {str(row[0]) for row in rows}
