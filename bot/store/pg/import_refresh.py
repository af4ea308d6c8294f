"""PostgreSQL twin of `bot/store/sql/import_refresh.py`: items an import touched brought up to
date many at a time (faces and topics, votes and flags from reactions, search documents).

The chunk of pending items is a temporary table on the writer's connection, as on SQLite, so
the search area's `well_voted` reads it by name. One difference stays: PostgreSQL's items have
no rowid, so the number of documents behind a term's rarity is the number of items, where
SQLite takes the highest rowid (the same until items are deleted).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from psycopg import Connection

from bot.slacktext import readable
from bot.store.pg import capture as pg_capture
from bot.store.pg import search_index as pg_search_index
from bot.store.pg import team_items
from bot.store.sql import search_index
from bot.store.sql.face import Face, compute_face, created_number
from bot.store.sql.import_refresh import ITEM_COLUMNS, SHARE_COLUMNS
from bot.topics import choose_topics, hashtags, idf, rank_by_weight, terms

Conn = Connection[Any]
CHUNK_IDS = "(SELECT item_id FROM import_chunk)"
CHUNK = f"item_id IN {CHUNK_IDS}"
PG_SHARE_COLUMNS = SHARE_COLUMNS.replace("s.user", 's."user"')


def _many(db: Conn, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        with db.cursor() as cursor:
            cursor.executemany(sql, rows)


def refresh_pending(db: Conn, team_id: str, names: dict[str, str], limit: int) -> int:
    """Refresh up to `limit` pending items of a workspace; returns how many were pending."""
    rows = db.execute(
        "SELECT item_id FROM import_pending WHERE team_id = %s LIMIT %s", [team_id, limit]
    ).fetchall()
    ids = [row[0] for row in rows]
    if not ids:
        return 0
    db.execute("CREATE TEMP TABLE IF NOT EXISTS import_chunk (item_id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM import_chunk")
    _many(db, "INSERT INTO import_chunk (item_id) VALUES (%s)", [(i,) for i in ids])
    shares = _shares(db)
    rows = db.execute(f"SELECT id, {ITEM_COLUMNS} FROM items WHERE id IN {CHUNK_IDS}").fetchall()
    current = {row[0]: tuple(row[1:]) for row in rows}
    gone = [i for i in current if i not in shares]  # their last share went
    if gone:
        pg_capture.delete_items(db, gone)

    def plain(text: str) -> str:
        return readable(text, names.get) if "<@" in text else readable(text)

    faces = {i: compute_face(s, current[i], plain) for i, s in shares.items() if i in current}
    _write_faces(db, team_id, faces, shares, current)
    _sync_marks(db, team_id)
    _sync_docs(db, team_id, faces, shares, {i: row[7] for i, row in current.items()}, plain)
    db.execute(f"DELETE FROM import_pending WHERE {CHUNK}")
    return len(ids)


def _shares(db: Conn) -> dict[str, list[tuple[Any, ...]]]:
    """Each chunk item's shares, first share first, as refresh_items reads them."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    rows = db.execute(
        f"SELECT s.item_id, {PG_SHARE_COLUMNS} FROM import_chunk c"
        ' JOIN shares s ON s.item_id = c.item_id ORDER BY s.item_id, s.at, s.ts COLLATE "C"'
    ).fetchall()
    for item_id, *share in rows:
        found.setdefault(item_id, []).append(tuple(share))
    return found


def _write_faces(
    db: Conn,
    team_id: str,
    faces: dict[str, Face],
    shares: dict[str, list[Any]],
    current: dict[str, tuple[Any, ...]],
) -> None:
    stale = {i: face for i, face in faces.items() if face.topics_stale}
    created = {i: created_number(shares[i][0][1]) for i in faces}
    topics = _topics(db, team_id, stale, created)
    _many(
        db,
        "UPDATE items SET created_ts = %s, text = %s, title = %s, description = %s,"
        " site_name = %s, topics = %s WHERE id = %s",
        [
            (
                shares[i][0][1],
                f.text,
                f.title,
                f.description,
                f.site_name,
                topics.get(i, current[i][6]),
                i,
            )
            for i, f in faces.items()
        ],
    )
    # An earlier share (an import) moves an item back in time: its terms move with it.
    _many(
        db,
        "UPDATE item_terms SET created = %s WHERE item_id = %s AND created <> %s",
        [(n, i, n) for i, n in created.items() if current[i][8] != shares[i][0][1]],
    )
    _many(  # an unfurled item has nothing left to fetch
        db,
        "DELETE FROM fetch_queue WHERE item_id = %s",
        [(i,) for i, f in faces.items() if f.unfurled],
    )


def _topics(
    db: Conn, team_id: str, faces: dict[str, Face], created: dict[str, float]
) -> dict[str, str]:
    """New topics (JSON) of items whose face changed; term counts are kept up to date first,
    so every item of the chunk is ranked against the same document frequencies; each new
    term row carries its item's first-share time (`created`)."""
    counts = {i: terms(f.title, f.description) for i, f in faces.items()}
    old: dict[str, set[str]] = {}
    for item_id, term in db.execute(
        "SELECT t.item_id, t.term FROM import_chunk c JOIN item_terms t ON t.item_id = c.item_id"
    ).fetchall():
        old.setdefault(item_id, set()).add(term)
    delta: dict[str, int] = {}
    gone, added = [], []
    for item_id, found in counts.items():
        before = old.get(item_id, set())
        for term in found.keys() - before:
            added.append((team_id, item_id, term, created[item_id]))
            delta[term] = delta.get(term, 0) + 1
        for term in before - found.keys():
            gone.append((item_id, term))
            delta[term] = delta.get(term, 0) - 1
    _many(db, "DELETE FROM item_terms WHERE item_id = %s AND term = %s", gone)
    _many(
        db,
        "INSERT INTO item_terms (team_id, item_id, term, created) VALUES (%s, %s, %s, %s)",
        added,
    )
    _many(
        db,
        "INSERT INTO term_df (team_id, term, df) VALUES (%s, %s, %s)"
        " ON CONFLICT (team_id, term) DO UPDATE SET df = term_df.df + excluded.df",
        [(team_id, term, n) for term, n in sorted(delta.items()) if n],
    )
    frequency = _frequencies(db, team_id, {t for c in counts.values() for t in c})
    documents = team_items.item_count(db, team_id)  # the workspace's own
    weights = {term: idf(frequency.get(term, 0), documents) for term in frequency.keys() | delta}
    return {
        i: json.dumps(choose_topics(hashtags(faces[i].texts), rank_by_weight(c, weights)))
        for i, c in counts.items()
    }


def _frequencies(db: Conn, team_id: str, wanted: set[str]) -> dict[str, int]:
    rows = db.execute(
        "SELECT term, df FROM term_df WHERE team_id = %s AND term = ANY(%s::text[])",
        [team_id, sorted(wanted)],
    ).fetchall()
    return {str(term): int(df) for term, df in rows}


MARKS_WANTED = """
INSERT INTO import_marks (tbl, item_id, who, via, private, at)
SELECT CASE WHEN r.kind = 'flag' THEN 'flags' ELSE 'votes' END, s.item_id, r."user",
       'm:' || s.channel || ':' || s.ts, s.is_private, s.at
FROM import_chunk c JOIN shares s ON s.item_id = c.item_id
JOIN reactions r ON r.team_id = s.team_id AND r.channel = s.channel AND r.ts = s.ts
WHERE NOT EXISTS (SELECT 1 FROM shares x WHERE x.item_id = s.item_id AND x."user" = r."user")
ON CONFLICT DO NOTHING
"""


def _sync_marks(db: Conn, team_id: str) -> None:
    """Votes and flags from reactions, one per person and message, never by a sharer; an
    imported vote is dated by its message (the export does not say when it was added)."""
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_marks (tbl TEXT, item_id TEXT, who TEXT,"
        " via TEXT, private INTEGER, at DOUBLE PRECISION, PRIMARY KEY (tbl, item_id, who, via))"
    )
    db.execute("DELETE FROM import_marks")
    db.execute(MARKS_WANTED)
    for table, who in (("votes", "voter"), ("flags", "flagger")):
        # ILIKE: SQLite's LIKE ignores ASCII case. No parameters here, so % is plain.
        db.execute(
            f"DELETE FROM {table} WHERE {CHUNK} AND via ILIKE 'm:%' AND NOT EXISTS"
            f" (SELECT 1 FROM import_marks m WHERE m.tbl = '{table}'"
            f" AND m.item_id = {table}.item_id AND m.who = {table}.{who} AND m.via = {table}.via)"
        )
        db.execute(
            f"INSERT INTO {table} (team_id, item_id, {who}, via, is_private, at)"
            f" SELECT %s, item_id, who, via, private, at FROM import_marks WHERE tbl = '{table}'"
            " ON CONFLICT DO NOTHING",
            [team_id],
        )
        db.execute(
            f"DELETE FROM {table} WHERE {CHUNK} AND EXISTS (SELECT 1 FROM shares x"
            f' WHERE x.item_id = {table}.item_id AND x."user" = {table}.{who})'
        )


def _sync_docs(
    db: Conn,
    team_id: str,
    faces: dict[str, Face],
    shares: dict[str, list[Any]],
    kinds: dict[str, str],
    plain: Callable[[str], str],
) -> None:
    """Search documents as `search_index.sync_item` keeps them; new ones are added in one go."""
    current: dict[str, dict[str, tuple[int, str, str, int]]] = {}
    for rowid, item_id, scope, title, body, top in db.execute(
        "SELECT d.rowid, d.item_id, d.scope, d.title, d.body, d.top FROM import_chunk c"
        " JOIN search_docs d ON d.item_id = c.item_id"
    ).fetchall():
        current.setdefault(item_id, {})[scope] = (rowid, title, body, top)
    voted: set[str] = pg_search_index.well_voted(db, "import_chunk")
    stale, new = [], []
    rowids = _Rowids(db)
    for item_id, face in faces.items():
        if kinds[item_id] == "question":  # carries its best answer: the live path knows how
            pg_search_index.sync_item(db, team_id, item_id)
            continue
        texts = [(s[0], s[3], s[4]) for s in shares[item_id]]
        wanted = search_index.docs_for(team_id, face.title, face.description, texts, None, plain)
        top, have = int(item_id in voted), current.get(item_id, {})
        for scope, (rowid, title, body, was_top) in have.items():
            if wanted.get(scope) != (title, body) or was_top != top:
                stale.append((rowid, title, body, scope, was_top))
        for scope, (title, body) in wanted.items():
            old = have.get(scope)
            if old is None or (old[1], old[2], old[3]) != (title, body, top):
                rowid = old[0] if old else rowids.take(shares[item_id][0][1])
                new.append((rowid, item_id, team_id, scope, title, body, top))
    pg_search_index.drop_docs(db, stale)
    pg_search_index.add_docs(db, new)


class _Rowids:
    """search_index.RowidAllocator on PostgreSQL: document rowids that sort by an item's first
    share (milliseconds times 1,024), remembered until the chunk is written."""

    def __init__(self, db: Conn) -> None:
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
            top = self._max(" WHERE rowid BETWEEN %s AND %s", [base, base + 1023])
            free = base if top is None else top + 1
        while free in self.beyond:
            free += 1
        if free <= base + 1023:
            self.next[base] = free + 1
        else:  # a millisecond with 1,024 documents: past the end
            free = max(self._max("", []) or 0, self.top) + 1
            self.beyond.add(free)
        self.top = max(self.top, free)
        return free

    def _max(self, where: str, args: list[int]) -> int | None:
        row = self.db.execute(f"SELECT max(rowid) FROM search_docs{where}", args).fetchone()
        return None if row is None or row[0] is None else int(row[0])
