"""PostgreSQL twins of `bot/store/sql/export.py`: exports, shares of a message, counts and
retention.

Items are exported oldest first as SQLite orders them, `CAST(created_ts AS REAL)` then id: the
order is worked out here (`sqlite_real`), since PostgreSQL's cast refuses text that is not a
number where SQLite's reads its numeric prefix (or 0), and ids compare byte by byte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from psycopg import Connection

from bot.slacktext import readable
from bot.store.pg.capture import delete_items, user_names
from bot.store.sql.export import _face, iso_utc

Conn = Connection[Any]
NUMERIC_PREFIX = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def sqlite_real(text: str | None) -> float:
    """SQLite's CAST(text AS REAL): the longest numeric prefix, after leading spaces, or 0."""
    found = NUMERIC_PREFIX.match(text or "")
    return float(found.group()) if found else 0.0


def export_items(db: Conn, team_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Every stored item in the export format of docs/interface.md, oldest first."""
    where, args = ("WHERE team_id = %s", [team_id]) if team_id else ("", [])
    rows = db.execute(
        "SELECT id, team_id, kind, url, title, description, site_name, created_ts, topics"
        f" FROM items {where}",
        args,
    ).fetchall()
    items = sorted(rows, key=lambda row: (sqlite_real(row[7]), row[0]))
    names: dict[str, dict[str, str]] = {}
    for item_id, team, kind, url, title, description, site, created_ts, topics in items:
        if team not in names:
            names[team] = user_names(db, team)
        shares = _export_shares(db, item_id, names[team])
        shown = _face(shares)
        record: dict[str, Any] = {
            "id": item_id,
            "kind": kind,
            "url": url,
            "title": title,
            "text": shown[0]["text"] if shown else None,
            "private": all(s.get("private") for s in shares),
            "shares": shares,
            "votes": _voters(db, item_id),
            "created_at": iso_utc(created_ts),
        }
        record["topics"] = json.loads(topics) if topics else []
        if kind == "question":
            record.update(_answer(db, item_id, names[team]))
        if description:
            record["description"] = description
        if site:
            record["site_name"] = site
        yield record


def _export_shares(db: Conn, item_id: str, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = db.execute(
        'SELECT "user", channel, ts, text, is_private FROM shares WHERE item_id = %s'
        ' ORDER BY at, ts COLLATE "C"',
        [item_id],
    )
    shares = []
    for user, channel, ts, text, private in rows:
        share = {
            "user": user,
            "channel": channel or None,
            "ts": ts,
            "text": readable(text or "", names.get),
        }
        if private:  # marked only when private: a public share keeps the documented shape
            share["private"] = True
        shares.append(share)
    return shares


def _answer(db: Conn, item_id: str, names: dict[str, str]) -> dict[str, Any]:
    """A question's `answered` and best `answer` ({text, user}, or null)."""
    row = db.execute(
        "SELECT status, best_text, best_user FROM questions WHERE item_id = %s", [item_id]
    ).fetchone()
    if row is None or row[0] != "answered":
        return {"answered": False, "answer": None}
    return {"answered": True, "answer": {"text": readable(row[1] or "", names.get), "user": row[2]}}


def _voters(db: Conn, item_id: str) -> list[str]:
    rows = db.execute(
        "SELECT voter FROM votes WHERE item_id = %s GROUP BY voter"
        ' ORDER BY min(at), voter COLLATE "C"',
        [item_id],
    )
    return [str(row[0]) for row in rows]


def delete_older_than(db: Conn, cutoff: float) -> int:
    """Retention: delete items whose last share is older than `cutoff` (Unix seconds)."""
    rows = db.execute(
        "SELECT item_id FROM shares GROUP BY item_id HAVING max(at) < %s", [cutoff]
    ).fetchall()
    stale = [str(row[0]) for row in rows]
    messages = {
        (team, channel, ts)
        for item_id in stale
        for channel, ts, team in db.execute(
            "SELECT channel, ts, team_id FROM shares WHERE item_id = %s", [item_id]
        ).fetchall()
    }
    deleted = delete_items(db, stale)
    for team, channel, ts in sorted(messages):
        # A message that also shares a kept item keeps its reactions: they are that item's votes.
        db.execute(
            "DELETE FROM reactions WHERE team_id = %(t)s AND channel = %(c)s AND ts = %(ts)s"
            " AND NOT EXISTS (SELECT 1 FROM shares WHERE team_id = %(t)s AND channel = %(c)s"
            " AND ts = %(ts)s)",
            {"t": team, "c": channel, "ts": ts},
        )
    return deleted


def count_rows(db: Conn, team_id: str | None = None) -> dict[str, int]:
    """Row counts per table (for the demo, health and tests)."""
    tables = ("items", "shares", "votes", "flags", "users", "channels", "reactions")
    where, args = ("WHERE team_id = %s", [team_id]) if team_id else ("", [])
    counts = {}
    for table in tables:
        row = db.execute(f"SELECT count(*) FROM {table} {where}", args).fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def shares_at(db: Conn, team_id: str, channel: str, ts: str) -> list[dict[str, Any]]:
    """The shares stored for one message."""
    rows = db.execute(
        'SELECT item_id, "user", text, source, is_private, thread_ts FROM shares'
        " WHERE team_id = %s AND channel = %s AND ts = %s ORDER BY rowid",
        [team_id, channel, ts],
    )  # in the order they were stored, as SQLite reads them through shares_message
    keys = ("item_id", "user", "text", "source", "is_private", "thread_ts")
    return [dict(zip(keys, row, strict=True)) for row in rows]
