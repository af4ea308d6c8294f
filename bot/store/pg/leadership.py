"""PostgreSQL twins of `bot/store/sql/leadership.py`: the leader's row and the shared pace.

Who leads is decided by an advisory lock (`bot/store/pg/leader_lock.py`); the row records
the winner and its epoch, the fencing token a digest claim must name.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

Conn = Connection[Any]


def become_leader(db: Conn, holder: str, now: float) -> int:
    """Record `holder` as the leader under a new epoch; returns that epoch."""
    row = db.execute(
        "INSERT INTO leadership (id, holder, epoch, acquired_at, renewed_at)"
        " VALUES (1, %s, 1, %s, %s) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder,"
        " epoch = leadership.epoch + 1, acquired_at = excluded.acquired_at,"
        " renewed_at = excluded.renewed_at RETURNING epoch",
        [holder, now, now],
    ).fetchone()
    assert row is not None
    return int(row[0])


def renew_leadership(db: Conn, epoch: int, now: float) -> bool:
    """Note that the leader of `epoch` still leads; False when another has led since."""
    cursor = db.execute(
        "UPDATE leadership SET renewed_at = %s WHERE id = 1 AND epoch = %s", [now, epoch]
    )
    return cursor.rowcount == 1


def current_leader(db: Conn) -> tuple[str, int, float] | None:
    """(holder, epoch, renewed at) of the leader, None before any."""
    row = db.execute("SELECT holder, epoch, renewed_at FROM leadership WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), int(row[1]), float(row[2]))


def reserve_send_slot(db: Conn, key: str, interval: float, now: float) -> float:
    """Book the next free slot under `key`, `interval` seconds after the last one booked
    (or `now`); returns the slot's time. The row lock orders concurrent bookings."""
    row = db.execute(
        "INSERT INTO send_pace (key, next_at) VALUES (%s, %s + %s) ON CONFLICT (key) DO UPDATE"
        " SET next_at = GREATEST(send_pace.next_at, %s) + %s RETURNING next_at",
        [key, now, interval, now, interval],
    ).fetchone()
    assert row is not None
    return float(row[0]) - interval


def push_send_slots(db: Conn, key: str, until: float) -> None:
    """No slot under `key` before `until` (Slack answered 429: every replica waits)."""
    db.execute(
        "INSERT INTO send_pace (key, next_at) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE"
        " SET next_at = GREATEST(send_pace.next_at, excluded.next_at)",
        [key, until],
    )
