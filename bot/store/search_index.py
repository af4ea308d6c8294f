"""Keeping the search index: one document per item and visibility, in two FTS5 indexes.

An item has a public document (its public shares, title, description and, for a question,
the best answer) and one document per private channel it was shared in (that channel's
shares). Every document is in `search_fts`; documents of items with at least TOP_VOTES voters
are also in `search_top`, a much smaller index, so a search can reach a well-voted item
however old it is without ranking every match of its words.

Document rowids follow the time of an item's first share (milliseconds times 1,024), so both
indexes hand back the newest matches first.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from bot.slacktext import readable

MAX_BODY = 20_000
TOP_VOTES = 3
INDEXES = ("search_fts", "search_top")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)")
Doc = tuple[str, str]  # title, body


def desired_docs(db: Database, team_id: str, item_id: str) -> dict[str, Doc]:
    """The documents an item should have: {scope: (title, body)}."""
    item = db.execute(
        "SELECT title, description, kind FROM items WHERE id = ?", [item_id]
    ).fetchone()
    if item is None:
        return {}
    title, description, kind = item
    shares = db.execute(
        "SELECT channel, text, is_private FROM shares WHERE item_id = ? ORDER BY at, ts", [item_id]
    ).fetchall()
    texts: dict[str, list[str]] = {}
    for channel, text, private in shares:
        scope = f"{team_id}/{channel}" if private else team_id
        texts.setdefault(scope, []).append(readable_text(db, team_id, text or ""))
    if kind == "question":
        answer = db.execute(
            "SELECT best_text FROM questions WHERE item_id = ?", [item_id]
        ).fetchone()
        for parts in texts.values():
            parts.append(readable_text(db, team_id, (answer or [""])[0] or ""))
    docs = {}
    for scope, parts in texts.items():
        body = "\n".join([description or "", *dict.fromkeys(parts)]).strip()
        docs[scope] = (title or "", body[:MAX_BODY])
    return docs


def readable_text(db: Database, team_id: str, text: str) -> str:
    """Slack markup as a person reads it, with the names of the people it mentions."""
    ids = sorted(set(MENTION.findall(text)))
    if not ids:
        return readable(text)
    marks = ", ".join("?" for _ in ids)
    rows = db.execute(  # only the people mentioned, not the whole workspace
        f"SELECT id, name FROM users WHERE team_id = ? AND id IN ({marks})", [team_id, *ids]
    )
    names = {uid: name for uid, name in rows if name}
    return readable(text, names.get)


def sync_item(db: Database, team_id: str, item_id: str) -> None:
    """Bring an item's documents in line with the item (after any change to it)."""
    wanted = desired_docs(db, team_id, item_id)
    top = _voters(db, item_id) >= TOP_VOTES
    current = {
        scope: (rowid, (title, body), bool(was_top))
        for rowid, scope, title, body, was_top in db.execute(
            "SELECT rowid, scope, title, body, top FROM search_docs WHERE item_id = ?", [item_id]
        )
    }
    for scope, (rowid, doc, was_top) in current.items():
        if wanted.get(scope) != doc or was_top != top:
            _unindex(db, rowid, doc, scope, was_top)
            db.execute("DELETE FROM search_docs WHERE rowid = ?", [rowid])
    for scope, doc in wanted.items():
        old = current.get(scope)
        if old is not None and old[1] == doc and old[2] == top:
            continue
        rowid = old[0] if old is not None else _new_rowid(db, item_id)
        db.execute(
            "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body, top)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", [rowid, item_id, team_id, scope, *doc, int(top)],
        )  # fmt: skip
        _index(db, rowid, doc, scope, top)


def _voters(db: Database, item_id: str) -> int:
    row = db.execute("SELECT count(DISTINCT voter) FROM votes WHERE item_id = ?", [item_id])
    return int(row.fetchone()[0])


def _index(db: Database, rowid: int, doc: Doc, scope: str, top: bool) -> None:
    for table in INDEXES if top else INDEXES[:1]:
        db.execute(f"INSERT INTO {table} (rowid, title, body, scope) VALUES (?, ?, ?, ?)",
                   [rowid, *doc, scope])  # fmt: skip


def _unindex(db: Database, rowid: int, doc: Doc, scope: str, top: bool) -> None:
    # External-content FTS5 forgets a row when told exactly what it held.
    for table in INDEXES if top else INDEXES[:1]:
        db.execute(
            f"INSERT INTO {table} ({table}, rowid, title, body, scope)"
            " VALUES ('delete', ?, ?, ?, ?)", [rowid, *doc, scope],
        )  # fmt: skip


def _new_rowid(db: Database, item_id: str) -> int:
    """A free rowid that sorts by the item's first share: milliseconds times 1,024."""
    row = db.execute("SELECT created_ts FROM items WHERE id = ?", [item_id]).fetchone()
    try:
        base = max(0, int(float(row[0]) * 1000)) << 10
    except (TypeError, ValueError):
        base = 0
    top = db.execute(
        "SELECT max(rowid) FROM search_docs WHERE rowid BETWEEN ? AND ?", [base, base + 1023]
    ).fetchone()[0]
    if top is None:
        return base
    if top < base + 1023:
        return int(top) + 1
    return int(db.execute("SELECT max(rowid) FROM search_docs").fetchone()[0]) + 1


def drop_item(db: Database, item_id: str) -> None:
    """An item is being deleted: so are its documents."""
    rows = db.execute(
        "SELECT rowid, title, body, scope, top FROM search_docs WHERE item_id = ?", [item_id]
    ).fetchall()
    for rowid, title, body, scope, top in rows:
        _unindex(db, rowid, (title, body), scope, bool(top))
    db.execute("DELETE FROM search_docs WHERE item_id = ?", [item_id])


def reindex_all(db: Database) -> int:
    """Rebuild every document from the items (a first start after an upgrade, repairs)."""
    db.execute("DELETE FROM search_docs")
    for table in INDEXES:
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
    items = db.execute("SELECT id, team_id FROM items ORDER BY CAST(created_ts AS REAL)").fetchall()
    for item_id, team_id in items:
        sync_item(db, team_id, item_id)
    return len(items)


def needs_reindex(db: Database) -> bool:
    """Items exist but no document does: the index was never built (an upgraded database)."""
    has_items = db.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None
    return has_items and db.execute("SELECT 1 FROM search_docs LIMIT 1").fetchone() is None
