"""SQL for the "From the archive" item of personal digests: the workspace's well-voted items
of 3 to 12 months ago, read once per run for everyone (never per person).

The candidates are items first shared publicly 90 to 365 days before the run and never since,
with at least TOP_VOTES public voters (the threshold of the well-voted search index), not dead
and never flagged; the most voted come first, at most ARCHIVE_CANDIDATES of them. Which
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

ARCHIVE_IDS = """
WITH old AS (SELECT DISTINCT item_id FROM shares INDEXED BY shares_at
 WHERE team_id = :team AND at >= :since AND at < :until AND is_private = 0),
voted AS (SELECT v.item_id, count(DISTINCT v.voter) AS n FROM old
 JOIN votes v ON v.item_id = old.item_id WHERE v.is_private = 0
 GROUP BY v.item_id HAVING n >= :votes)
SELECT voted.item_id FROM voted JOIN items i ON i.id = voted.item_id
WHERE COALESCE(i.dead, 0) = 0
 AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.item_id = voted.item_id
   AND (s.at < :since OR s.at >= :until))
 AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.item_id = voted.item_id)
ORDER BY voted.n DESC, voted.item_id
LIMIT :limit
"""


def archive_args(team_id: str, now: float) -> dict[str, object]:
    """The parameters of ARCHIVE_IDS for a run at `now`."""
    return {
        "team": team_id,
        "since": now - ARCHIVE_MAX_DAYS * 86400,
        "until": now - ARCHIVE_MIN_DAYS * 86400,
        "votes": TOP_VOTES,
        "limit": ARCHIVE_CANDIDATES,
    }


def archive_items(db: Database, team_id: str, now: float) -> dict[str, ItemFacts]:
    """The archive candidates of a run at `now`, as digest item facts."""
    ids = [str(row[0]) for row in db.execute(ARCHIVE_IDS, archive_args(team_id, now))]
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
