"""SQL for the event inbox: delivered events kept until handled."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


def prune_inbox(db: Database, cutoff: float) -> int:
    """Drop handled events older than `cutoff`; Slack stops retrying long before."""
    return db.execute("DELETE FROM inbox WHERE done_at < ?", [cutoff]).rowcount


def enqueue_event(
    db: Database, team_id: str, event_id: str, body: str, part: int, now: float
) -> bool:
    """Keep a delivered event until it is handled; False when it was delivered before."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO inbox (team_id, event_id, body, part, received_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [team_id, event_id, body, part, now],
    )
    return cursor.rowcount == 1


def pending_events(db: Database, after: int, limit: int) -> list[tuple[int, str]]:
    """Events not yet handled, oldest first, after sequence number `after`."""
    rows = db.execute(
        "SELECT seq, body FROM inbox WHERE done_at IS NULL AND seq > ? ORDER BY seq LIMIT ?",
        [after, limit],
    )
    return [(int(seq), str(body)) for seq, body in rows]


def pending_events_in(
    db: Database, parts: list[int], after: int, limit: int
) -> list[tuple[int, int, str]]:
    """(seq, part, body) of the unhandled events of these partitions after `after`, in order."""
    rows = db.execute(
        "SELECT seq, part, body FROM inbox WHERE done_at IS NULL AND seq > ?"
        " AND part IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?",
        [after, json.dumps(parts), limit],
    )
    return [(int(seq), int(part), str(body)) for seq, part, body in rows]


def unhandled_up_to(db: Database, seq: int | None) -> int | None:
    """The newest inbox position (when `seq` is None), or whether anything up to `seq` is left:
    returns the first unhandled position at or before `seq`, or None."""
    if seq is None:
        row = db.execute("SELECT max(seq) FROM inbox").fetchone()
        return int(row[0]) if row and row[0] is not None else None
    row = db.execute(
        "SELECT seq FROM inbox WHERE done_at IS NULL AND seq <= ? ORDER BY seq LIMIT 1", [seq]
    ).fetchone()
    return int(row[0]) if row else None


def failed_events(db: Database, limit: int) -> list[dict[str, Any]]:
    """Handled events that ended in an error."""
    rows = db.execute(
        "SELECT seq, team_id, event_id, error, done_at FROM inbox WHERE error IS NOT NULL"
        " ORDER BY seq LIMIT ?",
        [limit],
    )
    keys = ("seq", "team_id", "event_id", "error", "done_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def finish_event(db: Database, seq: int, error: str | None, now: float) -> None:
    """An event was handled (or given up on): its raw body is no longer kept."""
    db.execute(
        "UPDATE inbox SET done_at = ?, error = ?, body = NULL WHERE seq = ?", [now, error, seq]
    )


def finish_leased_event(
    db: Database, seq: int, part: int, epoch: int, error: str | None, now: float
) -> bool:
    """`finish_event` while the partition's lease is still at `epoch` (nobody took it over
    since); False, and nothing marked, when it was."""
    cursor = db.execute(
        "UPDATE inbox SET done_at = ?, error = ?, body = NULL WHERE seq = ? AND done_at IS NULL"
        " AND EXISTS (SELECT 1 FROM inbox_leases WHERE part = ? AND epoch = ?)",
        [now, error, seq, part, epoch],
    )
    return cursor.rowcount == 1


def event_known(db: Database, team_id: str, event_id: str) -> bool:
    """Whether this event id was delivered before (handled or not)."""
    row = db.execute(
        "SELECT 1 FROM inbox WHERE team_id = ? AND event_id = ?", [team_id, event_id]
    ).fetchone()
    return row is not None
