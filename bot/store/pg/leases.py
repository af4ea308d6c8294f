"""PostgreSQL twins of `bot/store/sql/leases.py`: the inbox's partition leases.

Several replicas claim at once here: the partitions to take are locked with SKIP LOCKED, so
two replicas never wait on each other for the same free partition, and each row's condition
is checked again under its lock (a partition another replica renewed meanwhile stays its own).
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

Conn = Connection[Any]
Lease = tuple[int, int]  # (partition, epoch)


def beat(db: Conn, replica: str, now: float) -> None:
    """A replica is alive at `now`."""
    db.execute(
        "INSERT INTO replicas (id, seen_at) VALUES (%s, %s)"
        " ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        [replica, now],
    )


def live_replicas(db: Conn, since: float) -> int:
    """How many replicas were seen at or after `since`; older rows are dropped."""
    db.execute("DELETE FROM replicas WHERE seen_at < %s", [since])
    row = db.execute("SELECT count(*) FROM replicas").fetchone()
    return int(row[0]) if row else 0


def forget_replica(db: Conn, replica: str) -> None:
    """A replica stops: its heartbeat goes, and so do its leases (free for others at once)."""
    db.execute("DELETE FROM replicas WHERE id = %s", [replica])
    db.execute("UPDATE inbox_leases SET owner = NULL, expires_at = 0 WHERE owner = %s", [replica])


def claim_partitions(db: Conn, replica: str, want: int, now: float, until: float) -> list[Lease]:
    """Renew every lease of `replica` to `until` (one that ran out but nobody took is still
    its own, at the same epoch), then take free or expired partitions (a new
    epoch each) until it holds `want`; returns what it holds, by partition."""
    db.execute("UPDATE inbox_leases SET expires_at = %s WHERE owner = %s", [until, replica])
    row = db.execute(
        "SELECT count(*) FROM inbox_leases WHERE owner = %s AND expires_at = %s", [replica, until]
    ).fetchone()
    held = int(row[0]) if row else 0
    if want > held:
        db.execute(
            "UPDATE inbox_leases SET owner = %s, expires_at = %s, epoch = epoch + 1 WHERE part IN"
            " (SELECT part FROM inbox_leases WHERE owner IS NULL OR expires_at <= %s"
            "  ORDER BY part LIMIT %s FOR UPDATE SKIP LOCKED)"
            " AND (owner IS NULL OR expires_at <= %s)",
            [replica, until, now, want - held, now],
        )
    rows = db.execute(
        "SELECT part, epoch FROM inbox_leases WHERE owner = %s AND expires_at = %s ORDER BY part",
        [replica, until],
    ).fetchall()
    return [(int(part), int(epoch)) for part, epoch in rows]


def release_partitions(db: Conn, replica: str, parts: list[int]) -> None:
    """Give partitions back (their events are no longer being handled here)."""
    db.execute(
        "UPDATE inbox_leases SET owner = NULL, expires_at = 0"
        " WHERE part = ANY(%s::smallint[]) AND owner = %s",
        [list(parts), replica],
    )


def partition_owners(db: Conn) -> list[tuple[int, str | None, float, int]]:
    """Every lease: (partition, owner, expires at, epoch), by partition (operators, tests)."""
    rows = db.execute(
        "SELECT part, owner, expires_at, epoch FROM inbox_leases ORDER BY part"
    ).fetchall()
    return [(int(p), o, float(e), int(n)) for p, o, e, n in rows]
