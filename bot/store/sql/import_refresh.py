"""Bringing items an import touched up to date, many at a time: what `refresh_items` does live.

Per chunk of pending items: their faces and topics (the same pure rules as `set_face`), their
votes and flags (derived from reactions with set-based SQL, as `_sync_marks` does one item at a
time), and their search documents, added to the full-text index with one INSERT … SELECT.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from bot.slacktext import readable
from bot.store.sql import capture, search_index, team_items
from bot.store.sql.face import Face, compute_face, created_number
from bot.topics import choose_topics, hashtags, idf, rank_by_weight, terms

SHARE_COLUMNS = "s.channel, s.ts, s.user, s.text, s.is_private, s.title, s.description, s.site_name"
ITEM_COLUMNS = (
    "fetched_title, fetched_description, fetched_site_name, title, description, text, topics, kind,"
    " created_ts"
)


def refresh_pending(db: Database, team_id: str, names: dict[str, str], limit: int) -> int:
    """Refresh up to `limit` pending items of a workspace; returns how many were pending."""
    rows = db.execute(
        "SELECT item_id FROM import_pending WHERE team_id = ? LIMIT ?", [team_id, limit]
    )
    ids = [row[0] for row in rows]
    if not ids:
        return 0
    db.execute("CREATE TEMP TABLE IF NOT EXISTS import_chunk (item_id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM import_chunk")
    db.conn.executemany("INSERT INTO import_chunk (item_id) VALUES (?)", [(i,) for i in ids])
    shares = _shares(db)
    rows = db.execute(
        f"SELECT id, {ITEM_COLUMNS} FROM items WHERE id IN (SELECT item_id FROM import_chunk)"
    )
    current = {row[0]: row[1:] for row in rows}
    capture.delete_items(db, [i for i in current if i not in shares])  # their last share went

    def plain(text: str) -> str:
        return readable(text, names.get) if "<@" in text else readable(text)

    faces = {i: compute_face(s, current[i], plain) for i, s in shares.items() if i in current}
    _write_faces(db, team_id, faces, shares, current)
    _sync_marks(db, team_id)
    _sync_docs(db, team_id, faces, shares, {i: row[7] for i, row in current.items()}, plain)
    db.execute("DELETE FROM import_pending WHERE item_id IN (SELECT item_id FROM import_chunk)")
    return len(ids)


def _shares(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Each chunk item's shares, first share first, as refresh_items reads them."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    rows = db.execute(
        f"SELECT s.item_id, {SHARE_COLUMNS} FROM import_chunk c"
        " JOIN shares s ON s.item_id = c.item_id ORDER BY s.item_id, s.at, s.ts"
    )
    for item_id, *share in rows:
        found.setdefault(item_id, []).append(tuple(share))
    return found


def _write_faces(
    db: Database,
    team_id: str,
    faces: dict[str, Face],
    shares: dict[str, list[Any]],
    current: dict[str, tuple[Any, ...]],
) -> None:
    stale = {i: face for i, face in faces.items() if face.topics_stale}
    created = {i: created_number(shares[i][0][1]) for i in faces}
    topics = _topics(db, team_id, stale, created)
    db.conn.executemany(
        "UPDATE items SET created_ts = ?, text = ?, title = ?, description = ?, site_name = ?,"
        " topics = ? WHERE id = ?",
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
    db.conn.executemany(
        "UPDATE item_terms SET created = ? WHERE item_id = ? AND created <> ?",
        [(n, i, n) for i, n in created.items() if current[i][8] != shares[i][0][1]],
    )
    db.conn.executemany(  # an unfurled item has nothing left to fetch
        "DELETE FROM fetch_queue WHERE item_id = ?", [(i,) for i, f in faces.items() if f.unfurled]
    )


def _topics(
    db: Database, team_id: str, faces: dict[str, Face], created: dict[str, float]
) -> dict[str, str]:
    """New topics (JSON) of items whose face changed; term counts are kept up to date first,
    so every item of the chunk is ranked against the same document frequencies; each new
    term row carries its item's first-share time (`created`)."""
    counts = {i: terms(f.title, f.description) for i, f in faces.items()}
    old: dict[str, set[str]] = {}
    for item_id, term in db.execute(
        "SELECT t.item_id, t.term FROM import_chunk c JOIN item_terms t ON t.item_id = c.item_id"
    ):
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
    db.conn.executemany("DELETE FROM item_terms WHERE item_id = ? AND term = ?", gone)
    db.conn.executemany(
        "INSERT INTO item_terms (team_id, item_id, term, created) VALUES (?, ?, ?, ?)",
        added,
    )
    db.conn.executemany(
        "INSERT INTO term_df (team_id, term, df) VALUES (?, ?, ?)"
        " ON CONFLICT (team_id, term) DO UPDATE SET df = df + excluded.df",
        [(team_id, term, n) for term, n in delta.items() if n],
    )
    frequency = _frequencies(db, team_id, {t for c in counts.values() for t in c})
    documents = team_items.item_count(db, team_id)  # the workspace's own
    weights = {term: idf(frequency.get(term, 0), documents) for term in frequency.keys() | delta}
    return {
        i: json.dumps(choose_topics(hashtags(faces[i].texts), rank_by_weight(c, weights)))
        for i, c in counts.items()
    }


def _frequencies(db: Database, team_id: str, wanted: set[str]) -> dict[str, int]:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS import_terms (term TEXT PRIMARY KEY)")
    db.execute("DELETE FROM import_terms")
    db.conn.executemany("INSERT INTO import_terms (term) VALUES (?)", [(t,) for t in wanted])
    rows = db.execute(
        "SELECT d.term, d.df FROM import_terms t"
        " JOIN term_df d ON d.team_id = ? AND d.term = t.term",
        [team_id],
    )
    return {str(term): int(df) for term, df in rows}


MARKS_WANTED = """
INSERT OR IGNORE INTO import_marks (tbl, item_id, who, via, private, at)
SELECT CASE WHEN r.kind = 'flag' THEN 'flags' ELSE 'votes' END, s.item_id, r.user,
       'm:' || s.channel || ':' || s.ts, s.is_private, s.at
FROM import_chunk c JOIN shares s ON s.item_id = c.item_id
JOIN reactions r ON r.team_id = s.team_id AND r.channel = s.channel AND r.ts = s.ts
WHERE NOT EXISTS (SELECT 1 FROM shares x WHERE x.item_id = s.item_id AND x.user = r.user)
"""


def _sync_marks(db: Database, team_id: str) -> None:
    """Votes and flags from reactions, one per person and message, never by a sharer.

    An imported vote is dated by its message: the export does not say when the reaction was
    added, and dating it today would count years of votes as this week's.
    """
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_marks (tbl TEXT, item_id TEXT, who TEXT,"
        " via TEXT, private INTEGER, at REAL, PRIMARY KEY (tbl, item_id, who, via))"
    )
    db.execute("DELETE FROM import_marks")
    db.execute(MARKS_WANTED)
    chunk = "item_id IN (SELECT item_id FROM import_chunk)"
    for table, who in (("votes", "voter"), ("flags", "flagger")):
        db.execute(
            f"DELETE FROM {table} WHERE {chunk} AND via LIKE 'm:%' AND NOT EXISTS"
            f" (SELECT 1 FROM import_marks m WHERE m.tbl = '{table}'"
            f" AND m.item_id = {table}.item_id AND m.who = {table}.{who} AND m.via = {table}.via)"
        )
        db.execute(
            f"INSERT OR IGNORE INTO {table} (team_id, item_id, {who}, via, is_private, at)"
            f" SELECT ?, item_id, who, via, private, at FROM import_marks WHERE tbl = '{table}'",
            [team_id],
        )
        db.execute(
            f"DELETE FROM {table} WHERE {chunk} AND EXISTS (SELECT 1 FROM shares x"
            f" WHERE x.item_id = {table}.item_id AND x.user = {table}.{who})"
        )


def _sync_docs(
    db: Database,
    team_id: str,
    faces: dict[str, Face],
    shares: dict[str, list[Any]],
    kinds: dict[str, str],
    plain: Callable[[str], str],
) -> None:
    """Search documents as `search_index.sync_item` keeps them; new ones are indexed in one go."""
    current: dict[str, dict[str, tuple[int, str, str, int]]] = {}
    for rowid, item_id, scope, title, body, top in db.execute(
        "SELECT d.rowid, d.item_id, d.scope, d.title, d.body, d.top FROM import_chunk c"
        " JOIN search_docs d ON d.item_id = c.item_id"
    ):
        current.setdefault(item_id, {})[scope] = (rowid, title, body, top)
    voted = search_index.well_voted(db, "import_chunk")
    stale, new = [], []
    rowids = search_index.RowidAllocator(db)
    for item_id, face in faces.items():
        if kinds[item_id] == "question":  # carries its best answer: the live path knows how
            search_index.sync_item(db, team_id, item_id)
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
    search_index.drop_docs(db, stale)
    search_index.add_docs(db, new)
