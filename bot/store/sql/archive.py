"""SQL for the "From the archive" item of personal digests: the workspace's well-voted items
of 3 to 12 months ago, read once per run for everyone (never per person).

The candidates are items first captured 90 to 365 days before the run, shared publicly and
only in that window, with at least TOP_VOTES public voters (the threshold of the well-voted
search index, where they are found), not dead and never flagged; the most voted come first, at
most ARCHIVE_CANDIDATES of them. Which
of them a person gets is decided by the digest job, with the filters every digest item meets.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlite_utils import Database

from bot.digest_models import ItemFacts
from bot.store.sql.search_index import TOP_VOTES
from bot.store.sql.snapshot import item_facts

ARCHIVE_MIN_DAYS = 90
ARCHIVE_MAX_DAYS = 365
ARCHIVE_CANDIDATES = 300

ARCHIVE_CHUNK = 500

# The well-voted items first captured 90 to 365 days ago, from the search index: documents of
# items with TOP_VOTES public voters carry `top`, and document rowids follow the time an item
# was first captured (milliseconds times 1,024), so a rowid range is that window. Each comes
# with its voters of any kind, counted on the votes key alone: a bound on its public voters.
# (Counting public voters of every share of the window read 4 million votes: 3.4 to 5.6 s.)
CANDIDATES = """
SELECT d.item_id, (SELECT count(DISTINCT v.voter) FROM votes v WHERE v.item_id = d.item_id) AS n
FROM search_docs d
WHERE d.rowid >= :low AND d.rowid < :high AND d.top = 1 AND d.scope = :team AND d.team_id = :team
ORDER BY n DESC, d.item_id
"""

# Of some candidates: those shared in the window only, not dead, never flagged, with their
# public voters.
CHECKED = """
SELECT j.value, (SELECT count(DISTINCT v.voter) FROM votes v
  WHERE v.item_id = j.value AND v.is_private = 0) AS n
FROM json_each(:ids) j JOIN items i ON i.id = j.value
WHERE COALESCE(i.dead, 0) = 0
 AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.item_id = j.value
   AND (s.at < :since OR s.at >= :until))
 AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.item_id = j.value)
"""


def archive_args(team_id: str, now: float) -> dict[str, object]:
    """The parameters of CANDIDATES and CHECKED for a run at `now`."""
    since, until = now - ARCHIVE_MAX_DAYS * 86400, now - ARCHIVE_MIN_DAYS * 86400
    return {
        "team": team_id,
        "since": since,
        "until": until,
        "low": int(since * 1000) << 10,  # as search_index._new_rowid numbers documents
        "high": int(until * 1000) << 10,
    }


def archive_ids(
    db: Database,
    team_id: str,
    now: float,
    limit: int = ARCHIVE_CANDIDATES,
    chunk: int = ARCHIVE_CHUNK,
) -> list[str]:
    """The ids of the archive candidates, most public voters first (then by id): candidates
    are checked in chunks, in the order of their bound, until no unchecked one can rank
    among the first `limit`."""
    args = archive_args(team_id, now)
    bounds = [(str(item), int(n)) for item, n in db.execute(CANDIDATES, args)]
    found: list[tuple[int, str]] = []
    for start in range(0, len(bounds), chunk):
        ids = json.dumps([item for item, _ in bounds[start : start + chunk]])
        rows = db.execute(CHECKED, {**args, "ids": ids})
        found += [(-int(n), str(item)) for item, n in rows if int(n) >= TOP_VOTES]
        found.sort()
        rest = bounds[start + chunk : start + chunk + 1]
        if not rest or (len(found) >= limit and -found[limit - 1][0] > rest[0][1]):
            break
    return [item for _, item in found[:limit]]


def archive_items(db: Database, team_id: str, now: float) -> dict[str, ItemFacts]:
    """The archive candidates of a run at `now`, as digest item facts."""
    ids = archive_ids(db, team_id, now)
    if not ids:
        return {}
    return item_facts(db, {"ids": json.dumps(ids)}, "SELECT value FROM json_each(:ids)")


def archive_sent(db: Database, team_id: str, item_ids: list[str]) -> dict[str, set[str]]:
    """Who was ever sent each of `item_ids` in a digest: recipient -> item ids."""
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(item_ids), 500):
        chunk = item_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for recipient, item_id in db.execute(
            "SELECT recipient, item_id FROM digest_sent"
            f" WHERE team_id = ? AND item_id IN ({marks})",
            [team_id, *chunk],
        ):
            found[recipient].add(item_id)
    return dict(found)
