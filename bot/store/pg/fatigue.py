"""PostgreSQL twins of `bot/store/sql/fatigue.py`: who pressed nothing in their last weekly
digests, and the move to monthly and back."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.pg import outbox
from bot.store.sql.fatigue import LOOK_BACK_DAYS, TIRED_AFTER

Conn = Connection[Any]

TIRED = """
WITH pressed AS (
 SELECT user_id, max(at) AS at FROM digest_clicks
 WHERE team_id = %(team)s AND at >= %(since)s GROUP BY user_id)
SELECT o.recipient FROM outbox o
LEFT JOIN person_settings ps ON ps.team_id = o.team_id AND ps.user_id = o.recipient
LEFT JOIN pressed p ON p.user_id = o.recipient
WHERE o.team_id = %(team)s AND o.kind = 'person' AND o.status = 'sent'
 AND o.created_at >= %(since)s
 AND COALESCE(ps.digest, 'weekly') = 'weekly'
 AND o.created_at > COALESCE(ps.digest_set_at, 0) AND o.created_at > COALESCE(p.at, 0)
 AND o.created_at > COALESCE((SELECT at FROM fatigue_start WHERE team_id = %(team)s), 0)
GROUP BY o.recipient HAVING count(*) >= %(tired)s
"""


def tired(db: Conn, team_id: str, now: float) -> set[str]:
    """Weekly people sent TIRED_AFTER personal digests since they last pressed a digest
    button or chose their cadence (one query for the whole workspace)."""
    args = {"team": team_id, "since": now - LOOK_BACK_DAYS * 86400, "tired": TIRED_AFTER}
    return {str(row[0]) for row in db.execute(TIRED, args)}


def plan_with_moves(db: Conn, rows: list[dict[str, Any]], now: float) -> int:
    """Plan digests (outbox.plan); the people whose new digest tells them they move to
    monthly are moved, in the same transaction, if that digest was planned now (not planned
    before) and they pressed or chose nothing since it was composed (`tired_as_of`)."""
    added = 0
    for row in rows:
        planned = outbox.plan(db, [row], now)
        added += planned
        if planned and row.get("to_monthly") and row["status"] == "pending":
            as_of = float(row.get("tired_as_of") or now)
            move_to_monthly(db, row["team_id"], row["recipient"], now, as_of)
    return added


def move_to_monthly(db: Conn, team_id: str, user_id: str, at: float, as_of: float) -> None:
    """Fatigue: a weekly person becomes monthly, marked as moved (not their choice). A weekly
    they had chosen keeps a choice time (0 when chosen before times were recorded): they
    still asked for digests, and moving back makes them weekly by choice again. Not when they
    pressed a digest button or chose a cadence at or after `as_of` (when they were found tired).
    """
    pressed = db.execute(
        "SELECT 1 FROM digest_clicks WHERE team_id = %s AND user_id = %s AND at >= %s LIMIT 1",
        [team_id, user_id, as_of],
    ).fetchone()
    if pressed is not None:
        return
    db.execute(
        "INSERT INTO person_settings (team_id, user_id, digest, digest_moved_at)"
        " VALUES (%s, %s, 'monthly', %s) ON CONFLICT (team_id, user_id) DO UPDATE SET"
        " digest = 'monthly', digest_moved_at = excluded.digest_moved_at,"
        " digest_set_at = CASE WHEN person_settings.digest = 'weekly'"
        " THEN COALESCE(person_settings.digest_set_at, 0) END"
        " WHERE COALESCE(person_settings.digest, 'weekly') = 'weekly'"
        " AND COALESCE(person_settings.digest_set_at, 0) < %s",
        [team_id, user_id, at, as_of],
    )


def back_to_weekly(db: Conn, team_id: str, user_id: str) -> bool:
    """A press on a digest by someone fatigue moved to monthly: weekly again (someone who
    chose monthly themselves stays monthly), by choice only if they had chosen before: one
    who never chose is back to no setting, not opted in. True when they moved."""
    cursor = db.execute(
        "UPDATE person_settings SET digest_moved_at = NULL,"
        " digest = CASE WHEN digest_set_at IS NULL THEN NULL ELSE 'weekly' END"
        " WHERE team_id = %s AND user_id = %s AND digest = 'monthly'"
        " AND digest_moved_at IS NOT NULL",
        [team_id, user_id],
    )
    return cursor.rowcount > 0


def keep_weekly(db: Conn, team_id: str, user_id: str, at: float) -> bool:
    """ "Keep it weekly" pressed by someone fatigue moved to monthly, and still so: weekly, by
    their choice. A press after they chose (daily, off, monthly) or moved back changes nothing.
    True when it was done."""
    cursor = db.execute(
        "UPDATE person_settings SET digest = 'weekly', digest_set_at = %s, digest_moved_at = NULL"
        " WHERE team_id = %s AND user_id = %s AND digest = 'monthly'"
        " AND digest_moved_at IS NOT NULL",
        [at, team_id, user_id],
    )
    return cursor.rowcount > 0
