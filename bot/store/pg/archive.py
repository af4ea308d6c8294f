"""PostgreSQL twins of `bot/store/sql/archive.py`: the "From the archive" item of personal
digests, the workspace's well-voted items of 3 to 12 months ago, read once per run.

The same candidates as on SQLite, in the same order (most voters first, then by id as bytes):
the documents' rowids are SQLite's (`bot/store/pg/search_index.py`), and a list of ids is an
array where SQLite reads a JSON list with `json_each`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psycopg import Connection

from bot.digest_models import ItemFacts
from bot.store.pg.snapshot import item_facts
from bot.store.sql.archive import ARCHIVE_CANDIDATES, ARCHIVE_CHUNK, archive_args
from bot.store.sql.search_index import TOP_VOTES

Conn = Connection[Any]

CANDIDATES = """
SELECT d.item_id, (SELECT count(DISTINCT v.voter) FROM votes v WHERE v.item_id = d.item_id) AS n
FROM search_docs d
WHERE d.rowid >= %(low)s AND d.rowid < %(high)s AND d.top = 1 AND d.scope = %(team)s
 AND d.team_id = %(team)s
ORDER BY n DESC, d.item_id COLLATE "C"
"""

CHECKED = """
SELECT j.value, (SELECT count(DISTINCT v.voter) FROM votes v
  WHERE v.item_id = j.value AND v.is_private = 0) AS n
FROM unnest(%(ids)s::text[]) AS j(value) JOIN items i ON i.id = j.value
WHERE COALESCE(i.dead, 0) = 0
 AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.item_id = j.value
   AND (s.at < %(since)s OR s.at >= %(until)s))
 AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.item_id = j.value)
"""


def archive_ids(
    db: Conn,
    team_id: str,
    now: float,
    limit: int = ARCHIVE_CANDIDATES,
    chunk: int = ARCHIVE_CHUNK,
) -> list[str]:
    """The ids of the archive candidates, most public voters first (then by id), checked in
    chunks until no unchecked one can rank among the first `limit` (see the SQLite floor)."""
    args = archive_args(team_id, now)
    bounds = [(str(item), int(n)) for item, n in db.execute(CANDIDATES, args)]
    found: list[tuple[int, str]] = []
    for start in range(0, len(bounds), chunk):
        ids = [item for item, _ in bounds[start : start + chunk]]
        rows = db.execute(CHECKED, {**args, "ids": ids})
        found += [(-int(n), str(item)) for item, n in rows if int(n) >= TOP_VOTES]
        found.sort()
        rest = bounds[start + chunk : start + chunk + 1]
        if not rest or (len(found) >= limit and -found[limit - 1][0] > rest[0][1]):
            break
    return [item for _, item in found[:limit]]


def archive_items(db: Conn, team_id: str, now: float) -> dict[str, ItemFacts]:
    """The archive candidates of a run at `now`, as digest item facts."""
    ids = archive_ids(db, team_id, now)
    if not ids:
        return {}
    return item_facts(db, {"ids": ids}, "SELECT unnest(%(ids)s::text[])")


def archive_sent(db: Conn, team_id: str, item_ids: list[str]) -> dict[str, set[str]]:
    """Who was ever sent each of `item_ids` in a digest: recipient -> item ids."""
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(item_ids), 500):
        chunk = item_ids[start : start + 500]
        for recipient, item_id in db.execute(
            "SELECT recipient, item_id FROM digest_sent WHERE team_id = %s AND item_id = ANY(%s)",
            [team_id, chunk],
        ):
            found[recipient].add(item_id)
    return dict(found)
