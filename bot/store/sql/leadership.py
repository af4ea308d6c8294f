"""SQL for the scheduler's leader and the deployment-wide send pace.

`leadership` holds one row: who leads the scheduled jobs and its epoch, raised at every change
of leader. The epoch is a fencing token: a digest claim names it, and a claim under an epoch
that is no longer current is refused, so a deposed leader still running cannot post.
`send_pace` keeps, per key ('global' for every post), the next free send slot of the whole
deployment: each post books the slot after the last one booked, whichever replica posts.
"""

from __future__ import annotations

from sqlite_utils import Database


def become_leader(db: Database, holder: str, now: float) -> int:
    """Record `holder` as the leader under a new epoch; returns that epoch."""
    # Upsert then read back (no RETURNING: older SQLite builds lack it); the writer's
    # transaction keeps the two together.
    db.execute(
        "INSERT INTO leadership (id, holder, epoch, acquired_at, renewed_at)"
        " VALUES (1, ?, 1, ?, ?) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder,"
        " epoch = leadership.epoch + 1, acquired_at = excluded.acquired_at,"
        " renewed_at = excluded.renewed_at",
        [holder, now, now],
    )
    return int(db.execute("SELECT epoch FROM leadership WHERE id = 1").fetchone()[0])


def renew_leadership(db: Database, epoch: int, now: float) -> bool:
    """Note that the leader of `epoch` still leads; False when another has led since."""
    cursor = db.execute(
        "UPDATE leadership SET renewed_at = ? WHERE id = 1 AND epoch = ?", [now, epoch]
    )
    return cursor.rowcount == 1


def current_leader(db: Database) -> tuple[str, int, float] | None:
    """(holder, epoch, renewed at) of the leader, None before any."""
    row = db.execute("SELECT holder, epoch, renewed_at FROM leadership WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), int(row[1]), float(row[2]))


def reserve_send_slot(db: Database, key: str, interval: float, now: float) -> float:
    """Book the next free slot under `key`, `interval` seconds after the last one booked
    (or `now`); returns the slot's time."""
    db.execute(
        "INSERT INTO send_pace (key, next_at) VALUES (?, ? + ?) ON CONFLICT (key) DO UPDATE"
        " SET next_at = max(send_pace.next_at, ?) + ?",
        [key, now, interval, now, interval],
    )
    row = db.execute("SELECT next_at FROM send_pace WHERE key = ?", [key]).fetchone()
    return float(row[0]) - interval


def push_send_slots(db: Database, key: str, until: float) -> None:
    """No slot under `key` before `until` (Slack answered 429: every replica waits)."""
    db.execute(
        "INSERT INTO send_pace (key, next_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
        " SET next_at = max(send_pace.next_at, excluded.next_at)",
        [key, until],
    )
