"""SQL for the inbox's partition leases: which replica handles which partition, until when.

A lease is one row per partition: its owner, when the lease runs out, and an epoch that grows
with each new owner, so that a replica that lost a partition cannot mark its events done. The
replicas table holds each replica's last heartbeat, from which every replica reckons its share.
"""

from __future__ import annotations

from sqlite_utils import Database

Lease = tuple[int, int]  # (partition, epoch)


def beat(db: Database, replica: str, now: float) -> None:
    """A replica is alive at `now`."""
    db.execute(
        "INSERT INTO replicas (id, seen_at) VALUES (?, ?)"
        " ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        [replica, now],
    )


def live_replicas(db: Database, since: float) -> int:
    """How many replicas were seen at or after `since`; older rows are dropped."""
    db.execute("DELETE FROM replicas WHERE seen_at < ?", [since])
    row = db.execute("SELECT count(*) FROM replicas").fetchone()
    return int(row[0])


def forget_replica(db: Database, replica: str) -> None:
    """A replica stops: its heartbeat goes, and so do its leases (free for others at once)."""
    db.execute("DELETE FROM replicas WHERE id = ?", [replica])
    db.execute("UPDATE inbox_leases SET owner = NULL, expires_at = 0 WHERE owner = ?", [replica])


def claim_partitions(
    db: Database, replica: str, want: int, now: float, until: float
) -> list[Lease]:
    """Renew every lease of `replica` to `until` (one that ran out but nobody took is still
    its own, at the same epoch), then take free or expired partitions (a new
    epoch each) until it holds `want`; returns what it holds, by partition."""
    db.execute("UPDATE inbox_leases SET expires_at = ? WHERE owner = ?", [until, replica])
    held = db.execute(
        "SELECT count(*) FROM inbox_leases WHERE owner = ? AND expires_at = ?", [replica, until]
    ).fetchone()[0]
    if want > held:
        db.execute(
            "UPDATE inbox_leases SET owner = ?, expires_at = ?, epoch = epoch + 1 WHERE part IN"
            " (SELECT part FROM inbox_leases WHERE owner IS NULL OR expires_at <= ?"
            "  ORDER BY part LIMIT ?)",
            [replica, until, now, want - int(held)],
        )
    rows = db.execute(
        "SELECT part, epoch FROM inbox_leases WHERE owner = ? AND expires_at = ? ORDER BY part",
        [replica, until],
    )
    return [(int(part), int(epoch)) for part, epoch in rows]


def release_partitions(db: Database, replica: str, parts: list[int]) -> None:
    """Give partitions back (their events are no longer being handled here)."""
    for part in parts:
        db.execute(
            "UPDATE inbox_leases SET owner = NULL, expires_at = 0 WHERE part = ? AND owner = ?",
            [part, replica],
        )


def partition_owners(db: Database) -> list[tuple[int, str | None, float, int]]:
    """Every lease: (partition, owner, expires at, epoch), by partition (operators, tests)."""
    rows = db.execute("SELECT part, owner, expires_at, epoch FROM inbox_leases ORDER BY part")
    return [(int(p), o, float(e), int(n)) for p, o, e, n in rows]
