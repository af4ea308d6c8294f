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
from collections.abc import Callable, Iterable
from typing import Any

from sqlite_utils import Database

from bot.slacktext import readable

MAX_BODY = 20_000
TOP_VOTES = 3
INDEXES = ("search_fts", "search_top")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)")
Doc = tuple[str, str]  # title, body


def personal_channel(user: str | None) -> str:
    """The place a personal note (a DM /til not yet shared) is visible in: its author's own."""
    return f"@{user or ''}"


def desired_docs(db: Database, team_id: str, item_id: str) -> dict[str, Doc]:
    """The documents an item should have: {scope: (title, body)}."""
    item = db.execute(
        "SELECT title, description, kind FROM items WHERE id = ?", [item_id]
    ).fetchone()
    if item is None:
        return {}
    title, description, kind = item
    shares = db.execute(
        "SELECT channel, text, is_private, user FROM shares WHERE item_id = ? ORDER BY at, ts",
        [item_id],
    ).fetchall()
    answer = None
    if kind == "question":
        row = db.execute("SELECT best_text FROM questions WHERE item_id = ?", [item_id]).fetchone()
        answer = (row or [""])[0] or ""
    return docs_for(
        team_id, title, description, shares, answer, lambda text: readable_text(db, team_id, text)
    )


def docs_for(
    team_id: str,
    title: str | None,
    description: str | None,
    shares: Iterable[Any],
    answer: str | None,
    readable: Callable[[str], str],
) -> dict[str, Doc]:
    """An item's documents from its shares (channel, text, is_private[, user]), first share
    first; a question's best answer (`answer`, None for other kinds) is in every document.
    A personal note (private, no channel) is in its author's own scope."""
    texts: dict[str, list[str]] = {}
    for channel, text, private, *user in shares:
        place = channel or personal_channel(user[0] if user else "")
        scope = f"{team_id}/{place}" if private else team_id
        texts.setdefault(scope, []).append(readable(text or ""))
    if answer is not None:
        for parts in texts.values():
            parts.append(readable(answer))
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
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [rowid, item_id, team_id, scope, *doc, int(top)],
        )
        _index(db, rowid, doc, scope, top)


def _voters(db: Database, item_id: str) -> int:
    # Public votes only: what a private channel thinks must not change what everyone finds.
    row = db.execute(
        "SELECT count(DISTINCT voter) FROM votes WHERE item_id = ? AND is_private = 0", [item_id]
    )
    return int(row.fetchone()[0])


def _index(db: Database, rowid: int, doc: Doc, scope: str, top: bool) -> None:
    for table in INDEXES if top else INDEXES[:1]:
        db.execute(
            f"INSERT INTO {table} (rowid, title, body, scope) VALUES (?, ?, ?, ?)",
            [rowid, *doc, scope],
        )


def _unindex(db: Database, rowid: int, doc: Doc, scope: str, top: bool) -> None:
    # External-content FTS5 forgets a row when told exactly what it held.
    for table in INDEXES if top else INDEXES[:1]:
        db.execute(
            f"INSERT INTO {table} ({table}, rowid, title, body, scope)"
            " VALUES ('delete', ?, ?, ?, ?)",
            [rowid, *doc, scope],
        )


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


class RowidAllocator:
    """`_new_rowid` for many documents written at once: rowids handed out are remembered, as
    they reach the table only when the whole chunk is written."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.next: dict[int, int] = {}
        self.beyond: set[int] = set()  # rowids given past the end of the table
        self.top = 0

    def take(self, created_ts: str) -> int:
        """A free rowid for a new document of an item first shared at `created_ts`."""
        try:
            base = max(0, int(float(created_ts) * 1000)) << 10
        except (TypeError, ValueError):
            base = 0
        free = self.next.get(base)
        if free is None:
            top = self.db.execute(
                "SELECT max(rowid) FROM search_docs WHERE rowid BETWEEN ? AND ?",
                [base, base + 1023],
            ).fetchone()[0]
            free = base if top is None else int(top) + 1
        while free in self.beyond:
            free += 1
        if free <= base + 1023:
            self.next[base] = free + 1
        else:  # a millisecond with 1,024 documents: past the end, as _new_rowid does
            last = self.db.execute("SELECT max(rowid) FROM search_docs").fetchone()[0]
            free = max(int(last or 0), self.top) + 1
            self.beyond.add(free)
        self.top = max(self.top, free)
        return free


def well_voted(db: Database, chunk_table: str) -> set[str]:
    """Which items of a chunk (a table of item ids) belong in the well-voted index."""
    rows = db.execute(
        f"SELECT v.item_id FROM {chunk_table} c JOIN votes v ON v.item_id = c.item_id"
        " WHERE v.is_private = 0 GROUP BY v.item_id HAVING count(DISTINCT v.voter) >= ?",
        [TOP_VOTES],
    )
    return {row[0] for row in rows}


def drop_docs(db: Database, docs: list[tuple[int, str, str, str, int]]) -> None:
    """Delete documents (rowid, title, body, scope, top) from the indexes and the table."""
    for table in INDEXES:
        rows = [d[:4] for d in docs if table == "search_fts" or d[4]]
        db.conn.executemany(
            f"INSERT INTO {table} ({table}, rowid, title, body, scope)"
            " VALUES ('delete', ?, ?, ?, ?)",
            rows,
        )
    db.conn.executemany("DELETE FROM search_docs WHERE rowid = ?", [(d[0],) for d in docs])


def add_docs(db: Database, docs: list[tuple[int, str, str, str, str, str, int]]) -> None:
    """Add documents (rowid, item id, team id, scope, title, body, top) and index them with one
    statement per index: one pass of the tokenizer, no per-row round trips."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS new_docs (rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM new_docs")
    db.conn.executemany(
        "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body, top)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        docs,
    )
    db.conn.executemany("INSERT INTO new_docs (rowid) VALUES (?)", [(d[0],) for d in docs])
    for table, where in (("search_fts", ""), ("search_top", " WHERE d.top = 1")):
        db.execute(
            f"INSERT INTO {table} (rowid, title, body, scope) SELECT d.rowid, d.title, d.body,"
            f" d.scope FROM new_docs n JOIN search_docs d ON d.rowid = n.rowid{where}"
            " ORDER BY d.rowid"
        )


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
