"""SQL for the digest outbox.

An outbox row is one digest for one recipient and period key (and `round`, raised by
`--force`). It moves pending -> sending -> sent (with the message ts) or failed (with the
error); `empty` records that a recipient had nothing for that period, so it is not
recomputed at every tick. A row is claimed by a conditional update, so two senders never
post the same row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class OutboxRow:
    """One planned digest."""

    id: int
    team_id: str
    recipient: str
    kind: str  # "channel" or "person"
    period_key: str
    round: int
    status: str
    channel: str | None
    ts: str | None
    error: str | None
    payload: dict[str, Any]
    items: tuple[str, ...]
    updated_at: float


COLUMNS = ("id, team_id, recipient, kind, period_key, round, status, channel, ts, error, payload,"
           " items, updated_at")  # fmt: skip


def _row(row: tuple[Any, ...]) -> OutboxRow:
    row_id, team, recipient, kind, key, rnd, status, channel, ts, error = row[:10]
    payload, items, updated = row[10:]
    body, chosen = json.loads(payload or "{}"), tuple(json.loads(items or "[]"))
    return OutboxRow(row_id, team, recipient, kind, key, rnd, status, channel, ts, error, body,
                     chosen, updated)  # fmt: skip


def planned_keys(db: Database, team_id: str) -> dict[tuple[str, str], tuple[int, str]]:
    """(recipient, period key) -> (highest round planned, its status)."""
    rows = db.execute(
        "SELECT recipient, period_key, round, status FROM outbox o WHERE team_id = ?"
        " AND round = (SELECT max(round) FROM outbox m WHERE m.team_id = o.team_id"
        " AND m.recipient = o.recipient AND m.period_key = o.period_key)", [team_id],
    )  # fmt: skip
    return {(recipient, key): (rnd, status) for recipient, key, rnd, status in rows}


def plan(db: Database, rows: list[dict[str, Any]], now: float) -> int:
    """Insert planned digests (pending, or empty); a row planned before is left alone."""
    added = 0
    for row in rows:
        cursor = db.execute(
            "INSERT OR IGNORE INTO outbox (team_id, recipient, kind, period_key, round, status,"
            " channel, payload, items, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row["team_id"], row["recipient"], row["kind"], row["period_key"], row["round"],
             row["status"], row.get("channel"), json.dumps(row.get("payload") or {}),
             json.dumps(list(row.get("items") or ())), now, now],
        )  # fmt: skip
        added += cursor.rowcount
    return added


def rows_with_status(db: Database, status: str, team_id: str | None, limit: int) -> list[OutboxRow]:
    """Outbox rows in one status, oldest first."""
    where, args = ("AND team_id = ?", [team_id]) if team_id else ("", [])
    found = db.execute(
        f"SELECT {COLUMNS} FROM outbox WHERE status = ? {where} ORDER BY id LIMIT ?",
        [status, *args, limit],
    )
    return [_row(r) for r in found]


def all_rows(db: Database, team_id: str) -> list[OutboxRow]:
    """Every outbox row of a workspace (operators and tests)."""
    found = db.execute(f"SELECT {COLUMNS} FROM outbox WHERE team_id = ? ORDER BY id", [team_id])
    return [_row(r) for r in found]


def claim(db: Database, row_id: int, now: float) -> bool:
    """pending -> sending; False when another sender took it first."""
    cursor = db.execute(
        "UPDATE outbox SET status = 'sending', updated_at = ? WHERE id = ? AND status = 'pending'",
        [now, row_id],
    )
    return cursor.rowcount == 1


def mark_sent(db: Database, row_id: int, channel: str, ts: str, now: float) -> None:
    """sending -> sent; its items count as sent to that recipient from now on."""
    db.execute(
        "UPDATE outbox SET status = 'sent', channel = ?, ts = ?, error = NULL, updated_at = ?"
        " WHERE id = ?", [channel, ts, now, row_id],
    )  # fmt: skip
    row = db.execute("SELECT team_id, recipient, kind, items FROM outbox WHERE id = ?", [row_id])
    team_id, recipient, kind, items = row.fetchone()
    for item in json.loads(items or "[]"):
        db.execute(
            "INSERT OR IGNORE INTO digest_sent (team_id, recipient, item_id, at)"
            " VALUES (?, ?, ?, ?)",
            [team_id, recipient, item, now],
        )
    if kind == "person" and channel.startswith("D"):
        db.execute(
            "INSERT OR REPLACE INTO dm_channels (team_id, user_id, channel) VALUES (?, ?, ?)",
            [team_id, recipient, channel],
        )


def mark_failed(db: Database, row_id: int, error: str, now: float) -> None:
    """sending -> failed, keeping the error; it is not posted again."""
    db.execute(
        "UPDATE outbox SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
        [error[:500], now, row_id],
    )


def release(db: Database, row_id: int, error: str | None, now: float) -> None:
    """sending -> pending: Slack certainly did not post it (a 429, or not found in history)."""
    db.execute(
        "UPDATE outbox SET status = 'pending', error = ?, updated_at = ? WHERE id = ?"
        " AND status = 'sending'", [error, now, row_id],
    )  # fmt: skip


def forget_recipient(db: Database, team_id: str, user_id: str) -> int:
    """Delete a person's planned and past digests, what they were sent and their DM id."""
    args = [team_id, user_id]
    deleted = db.execute("DELETE FROM outbox WHERE team_id = ? AND recipient = ?", args).rowcount
    for table, column in (("digest_sent", "recipient"), ("dm_channels", "user_id"),
                          ("activity", "user_id"), ("less_like", "user_id"),
                          ("digest_clicks", "user_id")):  # fmt: skip
        db.execute(f"DELETE FROM {table} WHERE team_id = ? AND {column} = ?", args)
    db.execute("DELETE FROM less_like WHERE team_id = ? AND kind = 'sharer' AND value = ?", args)
    return deleted
