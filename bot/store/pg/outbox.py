"""PostgreSQL twins of `bot/store/sql/outbox.py`: the digest outbox (see there for its states).

A sender claims a row with a token of its own by a conditional update, so two replicas' senders
never both post a row. JSON columns stay text, as on SQLite; PostgreSQL reads them as jsonb.
"""

from __future__ import annotations

import json
from typing import Any

from psycopg import Connection

from bot.store.results import ClaimResult, SentResult
from bot.store.sql.outbox import COLUMNS, RECENT_SECONDS, OutboxRow, _row

Conn = Connection[Any]


def planned_keys(db: Conn, team_id: str, now: float) -> dict[tuple[str, str], tuple[int, str]]:
    """(recipient, period key) -> (highest round planned, its status), for recent rows."""
    rows = db.execute(
        "SELECT recipient, period_key, round, status FROM outbox o WHERE team_id = %s"
        " AND created_at >= %s AND round = (SELECT max(round) FROM outbox m"
        " WHERE m.team_id = o.team_id AND m.recipient = o.recipient"
        " AND m.period_key = o.period_key)",
        [team_id, now - RECENT_SECONDS],
    ).fetchall()
    return {(recipient, key): (rnd, status) for recipient, key, rnd, status in rows}


def plan(db: Conn, rows: list[dict[str, Any]], now: float) -> int:
    """Insert planned digests (pending, or empty); a row planned before is left alone."""
    added = 0
    for row in rows:
        cursor = db.execute(
            "INSERT INTO outbox (team_id, recipient, kind, period_key, round, status,"
            " channel, payload, items, credited, expires_at, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (team_id, recipient, period_key, round) DO NOTHING",
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


def rows_with_status(db: Conn, status: str, team_id: str | None, limit: int) -> list[OutboxRow]:
    """Outbox rows in one status, oldest first."""
    where, args = ("AND team_id = %s", [team_id]) if team_id else ("", [])
    found = db.execute(
        f"SELECT {COLUMNS} FROM outbox WHERE status = %s {where} ORDER BY id LIMIT %s",
        [status, *args, limit],
    ).fetchall()
    return [_row(r) for r in found]


def all_rows(db: Conn, team_id: str) -> list[OutboxRow]:
    """Every outbox row of a workspace (operators and tests)."""
    found = db.execute(
        f"SELECT {COLUMNS} FROM outbox WHERE team_id = %s ORDER BY id", [team_id]
    ).fetchall()
    return [_row(r) for r in found]


UNWANTED = (
    "expires_at <= %(now)s"
    " OR (kind = 'person' AND EXISTS (SELECT 1 FROM person_settings p WHERE p.team_id ="
    " outbox.team_id AND p.user_id = outbox.recipient AND (p.opted_out = 1 OR p.digest = 'off')))"
    " OR (kind = 'channel' AND EXISTS (SELECT 1 FROM channels c WHERE c.team_id = outbox.team_id"
    " AND c.id = outbox.recipient AND (c.digest = 'off' OR c.is_archived = 1)))"
)


def _deposed(db: Conn, epoch: int | None) -> bool:
    """Whether a sender leading under `epoch` has been succeeded (None: not a leader's). The
    share lock holds a new leader's epoch back until this transaction commits, so a claim
    checked here cannot be overtaken by a succession before it is written."""
    if epoch is None:
        return False
    found = db.execute(
        "SELECT 1 FROM leadership WHERE id = 1 AND epoch = %s FOR SHARE", [epoch]
    ).fetchone()
    return found is None


def claim(db: Conn, row_id: int, token: str, now: float, epoch: int | None = None) -> ClaimResult:
    """pending -> sending under `token`: 'claimed'; 'dropped' when it is no longer wanted
    (period over, opted out, digests off); 'taken' when another sender has it; 'deposed' when
    the leader of `epoch` has been succeeded."""
    if _deposed(db, epoch):
        return "deposed"
    args = {"id": row_id, "now": now, "token": token, "epoch": epoch}
    dropped = db.execute(
        "UPDATE outbox SET status = 'dropped', payload = NULL, credited = NULL,"
        f" updated_at = %(now)s WHERE id = %(id)s AND status = 'pending' AND ({UNWANTED})",
        args,
    ).rowcount
    if dropped:
        return "dropped"
    cursor = db.execute(
        "UPDATE outbox SET status = 'sending', claim = %(token)s, updated_at = %(now)s,"
        " claimed_at = COALESCE(claimed_at, %(now)s), claim_epoch = %(epoch)s"
        " WHERE id = %(id)s AND status = 'pending'",
        args,
    )
    return "claimed" if cursor.rowcount == 1 else "taken"


def take_over(
    db: Conn, row_id: int, old: str | None, token: str, now: float, epoch: int | None = None
) -> bool:
    """A row left in `sending` by a sender that is gone: take its claim, once (not when the
    leader of `epoch` has been succeeded)."""
    if _deposed(db, epoch):
        return False
    cursor = db.execute(
        "UPDATE outbox SET claim = %s, updated_at = %s, claim_epoch = %s WHERE id = %s"
        " AND status = 'sending' AND claim IS NOT DISTINCT FROM %s",
        [token, now, epoch, row_id, old],
    )
    return cursor.rowcount == 1


def mark_sent(db: Conn, row_id: int, token: str, channel: str, ts: str, now: float) -> SentResult:
    """sending -> sent: 'sent'; 'taken' if `token` no longer holds the row; 'forgotten' when
    someone it credits used forget-me while it was being posted (see the SQLite floor)."""
    row = db.execute(
        "SELECT team_id, recipient, kind, items, credited, payload IS NULL,"
        " payload::jsonb ->> 'view' FROM outbox"
        " WHERE id = %s AND status = 'sending' AND claim = %s",
        [row_id, token],
    ).fetchone()
    if row is None:
        return "taken"
    team_id, recipient, kind, items, credited, forgotten, view = row
    db.execute(
        "UPDATE outbox SET status = 'sent', channel = %s, ts = %s, error = NULL,"
        " payload = NULL, credited = NULL, updated_at = %s WHERE id = %s",
        [channel, ts, now, row_id],
    )
    for item in json.loads(items or "[]"):
        db.execute(
            "INSERT INTO digest_sent (team_id, recipient, item_id, at) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (team_id, recipient, item_id) DO NOTHING",
            [team_id, recipient, item, now],
        )
    people = [] if forgotten else json.loads(credited or "[]")
    for person in people:
        credit(db, team_id, person, channel, ts)
    if people and view:
        set_view(db, team_id, channel, ts, view)
    if kind == "person" and channel.startswith("D"):
        db.execute(
            "INSERT INTO dm_channels (team_id, user_id, channel) VALUES (%s, %s, %s)"
            " ON CONFLICT (team_id, user_id) DO UPDATE SET channel = excluded.channel",
            [team_id, recipient, channel],
        )
    return "forgotten" if forgotten else "sent"


def mark_failed(db: Conn, row_id: int, token: str, error: str, now: float) -> None:
    """sending -> failed, keeping the error; it is not posted again."""
    db.execute(
        "UPDATE outbox SET status = 'failed', error = %s, payload = NULL, credited = NULL,"
        " updated_at = %s WHERE id = %s AND status = 'sending' AND claim = %s",
        [error[:500], now, row_id, token],
    )


def release(db: Conn, row_id: int, token: str, error: str | None, now: float) -> None:
    """sending -> pending: Slack certainly did not post it. A row emptied by forget-me is
    deleted instead: the next tick composes that digest again."""
    db.execute(
        "DELETE FROM outbox WHERE id = %s AND status = 'sending' AND claim = %s"
        " AND payload IS NULL",
        [row_id, token],
    )
    db.execute(
        "UPDATE outbox SET status = 'pending', error = %s, claim = NULL, updated_at = %s"
        " WHERE id = %s AND status = 'sending' AND claim = %s",
        [error, now, row_id, token],
    )


def credit(db: Conn, team_id: str, user_id: str, channel: str, ts: str) -> None:
    """Note that a digest post names or quotes a person (forget-me finds it)."""
    db.execute(
        "INSERT INTO digest_credits (team_id, user_id, channel, ts) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (team_id, user_id, channel, ts) DO NOTHING",
        [team_id, user_id, channel, ts],
    )


def set_view(db: Conn, team_id: str, channel: str, ts: str, view: str) -> None:
    """Keep what a sent digest shows (JSON), so forget-me can re-render it without someone."""
    db.execute(
        "INSERT INTO digest_views (team_id, channel, ts, view) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (team_id, channel, ts) DO UPDATE SET view = excluded.view",
        [team_id, channel, ts, view],
    )


def drop_view(db: Conn, team_id: str, channel: str, ts: str) -> None:
    """Forget what a digest post showed (the post is gone)."""
    db.execute(
        "DELETE FROM digest_views WHERE team_id = %s AND channel = %s AND ts = %s",
        [team_id, channel, ts],
    )


def posts_crediting(db: Conn, team_id: str, user_id: str) -> list[tuple[str, str, str | None]]:
    """(channel, ts, the view it showed or None) of the digest posts that name a person."""
    rows = db.execute(
        "SELECT c.channel, c.ts, v.view FROM digest_credits c LEFT JOIN digest_views v"
        " ON v.team_id = c.team_id AND v.channel = c.channel AND v.ts = c.ts"
        " WHERE c.team_id = %s AND c.user_id = %s",
        [team_id, user_id],
    ).fetchall()
    return [(str(channel), str(ts), view) for channel, ts, view in rows]


def forget_recipient(db: Conn, team_id: str, user_id: str) -> int:
    """Delete a person's digests and what they were sent; unsent digests that credit them or
    show their items are dropped and composed again at the next tick."""
    args = [team_id, user_id]
    deleted = db.execute("DELETE FROM outbox WHERE team_id = %s AND recipient = %s", args).rowcount
    credits = (
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(COALESCE(outbox.credited, '[]')::jsonb)"
        " AS c(value) WHERE c.value = %s)"
    )
    db.execute(f"DELETE FROM outbox WHERE team_id = %s AND status = 'pending' AND {credits}", args)
    # Being posted right now: its sender learns of it when it settles the row (mark_sent).
    db.execute(
        f"UPDATE outbox SET payload = NULL WHERE team_id = %s AND status = 'sending' AND {credits}",
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
        db.execute(f"DELETE FROM {table} WHERE team_id = %s AND {column} = %s", args)
    db.execute("DELETE FROM less_like WHERE team_id = %s AND kind = 'sharer' AND value = %s", args)
    return deleted
