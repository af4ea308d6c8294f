"""SQL for reading captured data back: exports, shares of a message, counts and retention."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from bot.slacktext import readable
from bot.store.sql.capture import delete_items, ts_seconds, user_names


def iso_utc(ts: str) -> str:
    """A Slack ts as `YYYY-MM-DDTHH:MM:SSZ` in UTC."""
    return datetime.fromtimestamp(ts_seconds(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_items(db: Database, team_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Every stored item in the export format of docs/interface.md, oldest first."""
    where, args = ("WHERE team_id = ?", [team_id]) if team_id else ("", [])
    items = db.execute(
        "SELECT id, team_id, kind, url, title, description, site_name, created_ts, topics"
        " FROM items"
        f" {where} ORDER BY CAST(created_ts AS REAL), id",
        args,
    ).fetchall()
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


def _export_shares(db: Database, item_id: str, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT user, channel, ts, text, is_private FROM shares WHERE item_id = ? ORDER BY at, ts",
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


def _face(shares: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shares an exported item shows (face.face's rule): its public shares, or, for an
    item with none, its private ones."""
    return [s for s in shares if not s.get("private")] or shares


def _answer(db: Database, item_id: str, names: dict[str, str]) -> dict[str, Any]:
    """A question's `answered` and best `answer` ({text, user}, or null)."""
    row = db.execute(
        "SELECT status, best_text, best_user FROM questions WHERE item_id = ?", [item_id]
    ).fetchone()
    if row is None or row[0] != "answered":
        return {"answered": False, "answer": None}
    return {"answered": True, "answer": {"text": readable(row[1] or "", names.get), "user": row[2]}}


def _voters(db: Database, item_id: str) -> list[str]:
    rows = db.execute(
        "SELECT voter FROM votes WHERE item_id = ? GROUP BY voter ORDER BY min(at), voter",
        [item_id],
    )
    return [row[0] for row in rows]


def delete_older_than(db: Database, cutoff: float) -> int:
    """Retention: delete items whose last share is older than `cutoff` (Unix seconds)."""
    rows = db.execute(
        "SELECT item_id FROM shares GROUP BY item_id HAVING max(at) < ?", [cutoff]
    ).fetchall()
    stale = [row[0] for row in rows]
    messages = {
        (team, channel, ts)
        for item_id in stale
        for channel, ts, team in db.execute(
            "SELECT channel, ts, team_id FROM shares WHERE item_id = ?", [item_id]
        ).fetchall()
    }
    deleted = delete_items(db, stale)
    for team, channel, ts in messages:
        # A message that also shares a kept item keeps its reactions: they are that item's votes.
        db.execute(
            "DELETE FROM reactions WHERE team_id = :t AND channel = :c AND ts = :ts AND NOT"
            " EXISTS (SELECT 1 FROM shares WHERE team_id = :t AND channel = :c AND ts = :ts)",
            {"t": team, "c": channel, "ts": ts},
        )
    return deleted


def count_rows(db: Database, team_id: str | None = None) -> dict[str, int]:
    """Row counts per table (for the demo, health and tests)."""
    tables = ("items", "shares", "votes", "flags", "users", "channels", "reactions")
    where, args = ("WHERE team_id = ?", [team_id]) if team_id else ("", [])
    return {t: db.execute(f"SELECT count(*) FROM {t} {where}", args).fetchone()[0] for t in tables}


def shares_at(db: Database, team_id: str, channel: str, ts: str) -> list[dict[str, Any]]:
    """The shares stored for one message."""
    rows = db.execute(
        "SELECT item_id, user, text, source, is_private, thread_ts FROM shares"
        " WHERE team_id = ? AND channel = ? AND ts = ?",
        [team_id, channel, ts],
    )
    keys = ("item_id", "user", "text", "source", "is_private", "thread_ts")
    return [dict(zip(keys, row, strict=True)) for row in rows]
