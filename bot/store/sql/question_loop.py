"""SQL for closing a question's loop: the best-answer note, thanks, and experts' answers."""

from __future__ import annotations

from sqlite_utils import Database

CLAIMED, DECLINED = "claimed", "declined"


def set_note(db: Database, question_id: str, ts: str | None) -> None:
    """Where the thread note crediting the best answer is (None: there is none)."""
    db.execute("UPDATE questions SET note_ts = ? WHERE id = ?", [ts, question_id])


def claim_thanks(db: Database, team_id: str, channel: str, ts: str, now: float) -> bool:
    """True once per reply: its author is then thanked for it."""
    cursor = db.execute(
        "UPDATE replies SET thanked_at = ? WHERE team_id = ? AND channel = ? AND ts = ?"
        " AND thanked_at IS NULL",
        [now, team_id, channel, ts],
    )
    return cursor.rowcount == 1


def respond(db: Database, question_id: str, user_id: str, response: str) -> str | None:
    """A routed person's answer (claimed or declined), kept once; returns what they had said
    already, or None when this answer was kept. 'not routed' when the question never
    reached them."""
    row = db.execute(
        "SELECT response FROM routings WHERE question_id = ? AND user_id = ?",
        [question_id, user_id],
    ).fetchone()
    if row is None:
        return "not routed"
    if row[0] is not None:
        return str(row[0])
    db.execute(
        "UPDATE routings SET response = ? WHERE question_id = ? AND user_id = ?",
        [response, question_id, user_id],
    )
    return None


def round_of(db: Database, question_id: str, user_id: str) -> int:
    """The routing round that reached a person (0 when it did not)."""
    row = db.execute(
        "SELECT round FROM routings WHERE question_id = ? AND user_id = ?", [question_id, user_id]
    ).fetchone()
    return int(row[0]) if row else 0


def routed_since(db: Database, team_id: str, since: float) -> set[str]:
    """Everyone who got a question routed to them since `since`."""
    rows = db.execute(
        "SELECT DISTINCT user_id FROM routings WHERE team_id = ? AND at >= ?", [team_id, since]
    )
    return {str(row[0]) for row in rows}
