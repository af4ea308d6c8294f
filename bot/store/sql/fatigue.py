"""SQL for digest fatigue: who pressed nothing in their last weekly digests, and the move to
monthly and back.

Slack tells a bot nothing about a direct message being opened, and the links of a digest go
straight to their pages: a press on a digest button (`digest_clicks`: Useful, Less like this,
Digest settings, Keep it weekly) is the one use of a digest Serendip can see.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from bot.store.sql import outbox

TIRED_AFTER = 4  # sent personal digests in a row without a press
# Opening "Digest settings" is a use of the digest, but moves nobody back to weekly: the
# settings show the cadence as it is, and choosing one there is the person's own choice.
SETTINGS_CLICK = "settings"
LOOK_BACK_DAYS = 120  # only this many days of digests and presses are read (a cheap, bounded scan)

# Left to itself, the planner reads the outbox by recipient: the whole history of every
# recipient, when only LOOK_BACK_DAYS of it matter (PostgreSQL's planner needs no hint).
TIRED = """
WITH pressed AS (
 SELECT user_id, max(at) AS at FROM digest_clicks INDEXED BY digest_clicks_at
 WHERE team_id = :team AND at >= :since GROUP BY user_id)
SELECT o.recipient FROM outbox o INDEXED BY outbox_created
LEFT JOIN person_settings ps ON ps.team_id = o.team_id AND ps.user_id = o.recipient
LEFT JOIN pressed p ON p.user_id = o.recipient
WHERE o.team_id = :team AND o.kind = 'person' AND o.status = 'sent' AND o.created_at >= :since
 AND COALESCE(ps.digest, 'weekly') = 'weekly'
 AND o.created_at > COALESCE(ps.digest_set_at, 0) AND o.created_at > COALESCE(p.at, 0)
 AND o.created_at > COALESCE((SELECT at FROM fatigue_start WHERE team_id = :team), 0)
GROUP BY o.recipient HAVING count(*) >= :tired
"""


def tired(db: Database, team_id: str, now: float) -> set[str]:
    """Weekly people sent TIRED_AFTER personal digests since they last pressed a digest
    button or chose their cadence (one query for the whole workspace)."""
    args = {"team": team_id, "since": now - LOOK_BACK_DAYS * 86400, "tired": TIRED_AFTER}
    return {str(row[0]) for row in db.execute(TIRED, args)}


def plan_with_moves(db: Database, rows: list[dict[str, Any]], now: float) -> int:
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


def move_to_monthly(db: Database, team_id: str, user_id: str, at: float, as_of: float) -> None:
    """Fatigue: a weekly person becomes monthly, marked as moved (not their choice). A weekly
    they had chosen keeps a choice time (0 when chosen before times were recorded): they
    still asked for digests, and moving back makes them weekly by choice again. Not when they
    pressed a digest button or chose a cadence at or after `as_of` (when they were found tired).
    """
    pressed = db.execute(
        "SELECT 1 FROM digest_clicks WHERE team_id = ? AND user_id = ? AND at >= ? LIMIT 1",
        [team_id, user_id, as_of],
    ).fetchone()
    if pressed is not None:
        return
    db.execute(
        "INSERT INTO person_settings (team_id, user_id, digest, digest_moved_at)"
        " VALUES (?, ?, 'monthly', ?) ON CONFLICT (team_id, user_id) DO UPDATE SET"
        " digest = 'monthly', digest_moved_at = excluded.digest_moved_at,"
        " digest_set_at = CASE WHEN person_settings.digest = 'weekly'"
        " THEN COALESCE(person_settings.digest_set_at, 0) END"
        " WHERE COALESCE(person_settings.digest, 'weekly') = 'weekly'"
        " AND COALESCE(person_settings.digest_set_at, 0) < ?",
        [team_id, user_id, at, as_of],
    )


def back_to_weekly(db: Database, team_id: str, user_id: str) -> bool:
    """A press on a digest by someone fatigue moved to monthly: weekly again (someone who
    chose monthly themselves stays monthly), by choice only if they had chosen before: one
    who never chose is back to no setting, not opted in. True when they moved."""
    return (
        db.execute(
            "UPDATE person_settings SET digest_moved_at = NULL,"
            " digest = CASE WHEN digest_set_at IS NULL THEN NULL ELSE 'weekly' END"
            " WHERE team_id = ? AND user_id = ? AND digest = 'monthly'"
            " AND digest_moved_at IS NOT NULL",
            [team_id, user_id],
        ).rowcount
        > 0
    )


def keep_weekly(db: Database, team_id: str, user_id: str, at: float) -> bool:
    """ "Keep it weekly" pressed by someone fatigue moved to monthly, and still so: weekly, by
    their choice. A press after they chose (daily, off, monthly) or moved back changes nothing.
    True when it was done."""
    cursor = db.execute(
        "UPDATE person_settings SET digest = 'weekly', digest_set_at = ?, digest_moved_at = NULL"
        " WHERE team_id = ? AND user_id = ? AND digest = 'monthly'"
        " AND digest_moved_at IS NOT NULL",
        [at, team_id, user_id],
    )
    return cursor.rowcount > 0
