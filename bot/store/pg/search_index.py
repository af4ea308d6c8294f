"""PostgreSQL twins of `bot/store/sql/search_index.py`: one document per item and visibility.

The documents are SQLite's, with the same rowids (the time of an item's first share, in
milliseconds times 1,024, so the newest matches come first). There is nothing to index by
hand: `search_docs.words` is a generated tsvector under a GIN index, and the well-voted index
is a partial GIN index on `top = 1` (`bot/store/pg/schema.py`), so keeping a document is
writing its row.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.slacktext import readable
from bot.store.sql.search_index import MENTION, TOP_VOTES, Doc, docs_for

Conn = Connection[Any]


def created(column: str = "created_ts") -> str:
    """SQLite's CAST(created_ts AS REAL), where a timestamp that is not a number counts as 0."""
    return f"CASE WHEN {column} ~ '^[0-9]+([.][0-9]*)?$' THEN {column}::float8 ELSE 0 END"


def desired_docs(db: Conn, team_id: str, item_id: str) -> dict[str, Doc]:
    """The documents an item should have: {scope: (title, body)}."""
    item = db.execute(
        "SELECT title, description, kind FROM items WHERE id = %s", [item_id]
    ).fetchone()
    if item is None:
        return {}
    title, description, kind = item
    shares = db.execute(
        'SELECT channel, text, is_private, "user" FROM shares WHERE item_id = %s'
        ' ORDER BY at, ts COLLATE "C"',
        [item_id],
    ).fetchall()
    answer = None
    if kind == "question":
        row = db.execute("SELECT best_text FROM questions WHERE item_id = %s", [item_id]).fetchone()
        answer = (row or [""])[0] or ""
    return docs_for(
        team_id, title, description, shares, answer, lambda text: readable_text(db, team_id, text)
    )


def readable_text(db: Conn, team_id: str, text: str) -> str:
    """Slack markup as a person reads it, with the names of the people it mentions."""
    ids = sorted(set(MENTION.findall(text)))
    if not ids:
        return readable(text)
    rows = db.execute(  # only the people mentioned, not the whole workspace
        "SELECT id, name FROM users WHERE team_id = %s AND id = ANY(%s)", [team_id, ids]
    ).fetchall()
    names = {uid: name for uid, name in rows if name}
    return readable(text, names.get)


def sync_item(db: Conn, team_id: str, item_id: str) -> None:
    """Bring an item's documents in line with the item (after any change to it)."""
    wanted = desired_docs(db, team_id, item_id)
    top = _voters(db, item_id) >= TOP_VOTES
    current = {
        scope: (rowid, (title, body), bool(was_top))
        for rowid, scope, title, body, was_top in db.execute(
            "SELECT rowid, scope, title, body, top FROM search_docs WHERE item_id = %s",
            [item_id],
        ).fetchall()
    }
    for scope, (rowid, doc, was_top) in current.items():
        if wanted.get(scope) != doc or was_top != top:
            db.execute("DELETE FROM search_docs WHERE rowid = %s", [rowid])
    for scope, doc in wanted.items():
        old = current.get(scope)
        if old is not None and old[1] == doc and old[2] == top:
            continue
        rowid = old[0] if old is not None else _new_rowid(db, item_id)
        db.execute(
            "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body, top)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [rowid, item_id, team_id, scope, *doc, int(top)],
        )


def _voters(db: Conn, item_id: str) -> int:
    # Public votes only: what a private channel thinks must not change what everyone finds.
    row = db.execute(
        "SELECT count(DISTINCT voter) FROM votes WHERE item_id = %s AND is_private = 0",
        [item_id],
    ).fetchone()
    return int(row[0]) if row else 0


def _base(created_ts: Any) -> int:
    try:
        return max(0, int(float(created_ts) * 1000)) << 10
    except (TypeError, ValueError):
        return 0


def _new_rowid(db: Conn, item_id: str) -> int:
    """A free rowid that sorts by the item's first share: milliseconds times 1,024."""
    row = db.execute("SELECT created_ts FROM items WHERE id = %s", [item_id]).fetchone()
    base = _base(row[0] if row else None)
    found = db.execute(
        "SELECT max(rowid) FROM search_docs WHERE rowid BETWEEN %s AND %s", [base, base + 1023]
    ).fetchone()
    top = found[0] if found else None
    if top is None:
        return base
    if top < base + 1023:
        return int(top) + 1
    last = db.execute("SELECT max(rowid) FROM search_docs").fetchone()
    return int(last[0] if last else 0) + 1


class RowidAllocator:
    """SQLite's `search_index.RowidAllocator` on PostgreSQL: `_new_rowid` for many documents
    written at once, remembering the rowids handed out before the chunk is written."""

    def __init__(self, db: Conn) -> None:
        self.db = db
        self.next: dict[int, int] = {}
        self.beyond: set[int] = set()  # rowids given past the end of the table
        self.top = 0

    def take(self, created_ts: str) -> int:
        """A free rowid for a new document of an item first shared at `created_ts`."""
        base = _base(created_ts)
        free = self.next.get(base)
        if free is None:
            row = self.db.execute(
                "SELECT max(rowid) FROM search_docs WHERE rowid BETWEEN %s AND %s",
                [base, base + 1023],
            ).fetchone()
            free = base if row is None or row[0] is None else int(row[0]) + 1
        while free in self.beyond:
            free += 1
        if free <= base + 1023:
            self.next[base] = free + 1
        else:  # a millisecond with 1,024 documents: past the end, as _new_rowid does
            row = self.db.execute("SELECT max(rowid) FROM search_docs").fetchone()
            free = max(int(row[0] or 0) if row else 0, self.top) + 1
            self.beyond.add(free)
        self.top = max(self.top, free)
        return free


def well_voted(db: Conn, chunk_table: str) -> set[str]:
    """Which items of a chunk (a table of item ids) belong in the well-voted index."""
    rows = db.execute(
        f"SELECT v.item_id FROM {chunk_table} c JOIN votes v ON v.item_id = c.item_id"
        " WHERE v.is_private = 0 GROUP BY v.item_id HAVING count(DISTINCT v.voter) >= %s",
        [TOP_VOTES],
    ).fetchall()
    return {row[0] for row in rows}


def drop_docs(db: Conn, docs: list[tuple[int, str, str, str, int]]) -> None:
    """Delete documents (rowid, title, body, scope, top): their index entries go with them."""
    db.execute("DELETE FROM search_docs WHERE rowid = ANY(%s)", [[d[0] for d in docs]])


def add_docs(db: Conn, docs: list[tuple[int, str, str, str, str, str, int]]) -> None:
    """Add documents (rowid, item id, team id, scope, title, body, top); PostgreSQL computes
    each one's words as it writes the row."""
    with db.cursor() as cur:
        cur.executemany(
            "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body, top)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            docs,
        )


def drop_item(db: Conn, item_id: str) -> None:
    """An item is being deleted: so are its documents."""
    db.execute("DELETE FROM search_docs WHERE item_id = %s", [item_id])


def reindex_all(db: Conn) -> int:
    """Rebuild every document from the items (repairs)."""
    db.execute("DELETE FROM search_docs")
    items = db.execute(f"SELECT id, team_id FROM items ORDER BY {created()}, id").fetchall()
    for item_id, team_id in items:
        sync_item(db, team_id, item_id)
    return len(items)


def needs_reindex(db: Conn) -> bool:
    """Items exist but no document does. PostgreSQL has had search_docs since its first
    migration, so only a repair would ever need it; the store does not ask at start."""
    has_items = db.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None
    return has_items and db.execute("SELECT 1 FROM search_docs LIMIT 1").fetchone() is None
