"""SQL for the digest outbox.

An outbox row is one digest for one recipient and period key (and `round`, raised by
`--force`). It moves pending -> sending -> sent (with the message ts) or failed (with the
error); `empty` records that a recipient had nothing for that period, so it is not
recomputed at every tick, and `dropped` one that was no longer wanted when its turn came
(its period ended, or the recipient opted out or turned digests off).

A sender claims a row with a token of its own, by a conditional update; every later change
to that row names the token, so a recovery that took a row over and the sender it took it
from can never both settle it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store.results import ClaimResult, RecipientKind, SentResult

RECENT_SECONDS = 15 * 86400  # no period key stays current longer than this


@dataclass(frozen=True)
class OutboxRow:
    """One planned digest."""

    id: int
    team_id: str
    recipient: str
    kind: RecipientKind
    period_key: str
    round: int
    status: str
    channel: str | None
    ts: str | None
    error: str | None
    payload: dict[str, Any]
    items: tuple[str, ...]
    updated_at: float
    claim: str | None = None
    created_at: float = 0.0
    claimed_at: float | None = None  # when it was first claimed (a take-over keeps it)
    expires_at: float | None = None
    claim_epoch: int | None = None  # the leader's epoch its claim was made under


COLUMNS = (
    "id, team_id, recipient, kind, period_key, round, status, channel, ts, error, payload,"
    " items, updated_at, claim, created_at, claimed_at, expires_at, claim_epoch"
)


def _row(row: tuple[Any, ...]) -> OutboxRow:
    row_id, team, recipient, kind, key, rnd, status, channel, ts, error = row[:10]
    payload, items, updated, claim, created, claimed, expires, epoch = row[10:]
    body, chosen = json.loads(payload or "{}"), tuple(json.loads(items or "[]"))
    return OutboxRow(
        row_id,
        team,
        recipient,
        kind,
        key,
        rnd,
        status,
        channel,
        ts,
        error,
        body,
        chosen,
        updated,
        claim,
        created,
        claimed,
        expires,
        epoch,
    )


def planned_keys(db: Database, team_id: str, now: float) -> dict[tuple[str, str], tuple[int, str]]:
    """(recipient, period key) -> (highest round planned, its status), for recent rows."""
    rows = db.execute(
        "SELECT recipient, period_key, round, status FROM outbox o WHERE team_id = ?"
        " AND created_at >= ? AND round = (SELECT max(round) FROM outbox m"
        " WHERE m.team_id = o.team_id AND m.recipient = o.recipient"
        " AND m.period_key = o.period_key)",
        [team_id, now - RECENT_SECONDS],
    )
    return {(recipient, key): (rnd, status) for recipient, key, rnd, status in rows}


def plan(db: Database, rows: list[dict[str, Any]], now: float) -> int:
    """Insert planned digests (pending, or empty); a row planned before is left alone."""
    added = 0
    for row in rows:
        cursor = db.execute(
            "INSERT OR IGNORE INTO outbox (team_id, recipient, kind, period_key, round, status,"
            " channel, payload, items, credited, expires_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["team_id"],
                row["recipient"],
                row["kind"],
                row["period_key"],
                row["round"],
                row["status"],
                row.get("channel"),
                json.dumps(row.get("payload") or {}),
                json.dumps(list(row.get("items") or ())),
                json.dumps(list(row.get("credited") or ())),
                row.get("expires_at"),
                now,
                now,
            ],
        )
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


UNWANTED = (
    "expires_at <= :now"
    " OR (kind = 'person' AND EXISTS (SELECT 1 FROM person_settings p WHERE p.team_id ="
    " outbox.team_id AND p.user_id = outbox.recipient AND (p.opted_out = 1 OR p.digest = 'off')))"
    " OR (kind = 'channel' AND EXISTS (SELECT 1 FROM channels c WHERE c.team_id = outbox.team_id"
    " AND c.id = outbox.recipient AND (c.digest = 'off' OR c.is_archived = 1)))"
)


def _deposed(db: Database, epoch: int | None) -> bool:
    """Whether a sender leading under `epoch` has been succeeded (None: not a leader's)."""
    if epoch is None:
        return False
    return db.execute("SELECT 1 FROM leadership WHERE epoch = ?", [epoch]).fetchone() is None


def claim(
    db: Database, row_id: int, token: str, now: float, epoch: int | None = None
) -> ClaimResult:
    """pending -> sending under `token`: 'claimed'; 'dropped' when it is no longer wanted
    (period over, opted out, digests off); 'taken' when another sender has it; 'deposed' when
    the leader of `epoch` has been succeeded (the fencing token: it must not post)."""
    if _deposed(db, epoch):
        return "deposed"
    args = {"id": row_id, "now": now, "token": token, "epoch": epoch}
    dropped = db.execute(
        "UPDATE outbox SET status = 'dropped', payload = NULL, credited = NULL, updated_at = :now"
        f" WHERE id = :id AND status = 'pending' AND ({UNWANTED})",
        args,
    ).rowcount
    if dropped:
        return "dropped"
    cursor = db.execute(
        "UPDATE outbox SET status = 'sending', claim = :token, updated_at = :now,"
        " claimed_at = COALESCE(claimed_at, :now), claim_epoch = :epoch"
        " WHERE id = :id AND status = 'pending'",
        args,
    )
    return "claimed" if cursor.rowcount == 1 else "taken"


def take_over(
    db: Database, row_id: int, old: str | None, token: str, now: float, epoch: int | None = None
) -> bool:
    """A row left in `sending` by a sender that is gone: take its claim, once (not when the
    leader of `epoch` has been succeeded)."""
    if _deposed(db, epoch):
        return False
    cursor = db.execute(
        "UPDATE outbox SET claim = ?, updated_at = ?, claim_epoch = ? WHERE id = ?"
        " AND status = 'sending' AND claim IS ?",
        [token, now, epoch, row_id, old],
    )
    return cursor.rowcount == 1


def mark_sent(
    db: Database, row_id: int, token: str, channel: str, ts: str, now: float
) -> SentResult:
    """sending -> sent: 'sent'; 'taken' if `token` no longer holds the row; 'forgotten' when
    someone it credits used forget-me while it was being posted (the caller deletes the post).

    Its items count as sent to that recipient from now on, and the people it credits can have
    the post deleted by forget-me.
    """
    row = db.execute(
        "SELECT team_id, recipient, kind, items, credited, payload IS NULL,"
        " json_extract(payload, '$.view') FROM outbox"
        " WHERE id = ? AND status = 'sending' AND claim = ?",
        [row_id, token],
    ).fetchone()
    if row is None:
        return "taken"
    team_id, recipient, kind, items, credited, forgotten, view = row
    db.execute(
        "UPDATE outbox SET status = 'sent', channel = ?, ts = ?, error = NULL, payload = NULL,"
        " credited = NULL, updated_at = ? WHERE id = ?",
        [channel, ts, now, row_id],
    )
    for item in json.loads(items or "[]"):
        db.execute(
            "INSERT OR IGNORE INTO digest_sent (team_id, recipient, item_id, at)"
            " VALUES (?, ?, ?, ?)",
            [team_id, recipient, item, now],
        )
    people = [] if forgotten else json.loads(credited or "[]")
    for person in people:
        credit(db, team_id, person, channel, ts)
    if people and view:
        set_view(db, team_id, channel, ts, view)
    if kind == "person" and channel.startswith("D"):
        db.execute(
            "INSERT OR REPLACE INTO dm_channels (team_id, user_id, channel) VALUES (?, ?, ?)",
            [team_id, recipient, channel],
        )
    return "forgotten" if forgotten else "sent"


def mark_failed(db: Database, row_id: int, token: str, error: str, now: float) -> None:
    """sending -> failed, keeping the error; it is not posted again."""
    db.execute(
        "UPDATE outbox SET status = 'failed', error = ?, payload = NULL, credited = NULL,"
        " updated_at = ? WHERE id = ? AND status = 'sending' AND claim = ?",
        [error[:500], now, row_id, token],
    )


def release(db: Database, row_id: int, token: str, error: str | None, now: float) -> None:
    """sending -> pending: Slack certainly did not post it (a 429, or not in history). A row
    emptied by forget-me is deleted instead: the next tick composes that digest again."""
    db.execute(
        "DELETE FROM outbox WHERE id = ? AND status = 'sending' AND claim = ? AND payload IS NULL",
        [row_id, token],
    )
    db.execute(
        "UPDATE outbox SET status = 'pending', error = ?, claim = NULL, updated_at = ?"
        " WHERE id = ? AND status = 'sending' AND claim = ?",
        [error, now, row_id, token],
    )


def credit(db: Database, team_id: str, user_id: str, channel: str, ts: str) -> None:
    """Note that a digest post names or quotes a person (forget-me finds it)."""
    db.execute(
        "INSERT OR IGNORE INTO digest_credits (team_id, user_id, channel, ts) VALUES (?, ?, ?, ?)",
        [team_id, user_id, channel, ts],
    )


def set_view(db: Database, team_id: str, channel: str, ts: str, view: str) -> None:
    """Keep what a sent digest shows (JSON), so forget-me can re-render it without someone."""
    db.execute(
        "INSERT OR REPLACE INTO digest_views (team_id, channel, ts, view) VALUES (?, ?, ?, ?)",
        [team_id, channel, ts, view],
    )


def drop_view(db: Database, team_id: str, channel: str, ts: str) -> None:
    """Forget what a digest post showed (the post is gone)."""
    db.execute(
        "DELETE FROM digest_views WHERE team_id = ? AND channel = ? AND ts = ?",
        [team_id, channel, ts],
    )


def posts_crediting(db: Database, team_id: str, user_id: str) -> list[tuple[str, str, str | None]]:
    """(channel, ts, the view it showed or None) of the digest posts that name a person."""
    rows = db.execute(
        "SELECT c.channel, c.ts, v.view FROM digest_credits c LEFT JOIN digest_views v"
        " ON v.team_id = c.team_id AND v.channel = c.channel AND v.ts = c.ts"
        " WHERE c.team_id = ? AND c.user_id = ?",
        [team_id, user_id],
    )
    return [(str(channel), str(ts), view) for channel, ts, view in rows]


def forget_recipient(db: Database, team_id: str, user_id: str) -> int:
    """Delete a person's digests and what they were sent; unsent digests that credit them or
    show their items are dropped and composed again at the next tick."""
    args = [team_id, user_id]
    deleted = db.execute("DELETE FROM outbox WHERE team_id = ? AND recipient = ?", args).rowcount
    credits = "EXISTS (SELECT 1 FROM json_each(outbox.credited) WHERE value = ?)"
    db.execute(f"DELETE FROM outbox WHERE team_id = ? AND status = 'pending' AND {credits}", args)
    # Being posted right now: its sender learns of it when it settles the row (mark_sent).
    db.execute(
        f"UPDATE outbox SET payload = NULL WHERE team_id = ? AND status = 'sending' AND {credits}",
        args,
    )
    for table, column in (
        ("digest_sent", "recipient"),
        ("dm_channels", "user_id"),
        ("digest_credits", "user_id"),
        ("activity", "user_id"),
        ("less_like", "user_id"),
        ("digest_clicks", "user_id"),
    ):
        db.execute(f"DELETE FROM {table} WHERE team_id = ? AND {column} = ?", args)
    db.execute("DELETE FROM less_like WHERE team_id = ? AND kind = 'sharer' AND value = ?", args)
    return deleted
