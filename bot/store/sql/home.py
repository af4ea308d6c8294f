"""SQL for a person's App Home: their items, the team's top items, and what is stored on them.

These functions return facts, visibility included (which private channel a share or a vote
belongs to); the caller, who can ask Slack about channel membership, decides what to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store.sql.capture import refresh_items
from bot.store.sql.directory import is_opted_out
from bot.store.sql.search import FLAG_LIMIT
from bot.store.sql.snapshot import channel_of_vote


@dataclass(frozen=True)
class HomeItem:
    """An item as Home lists it."""

    item_id: str
    kind: str
    url: str | None
    title: str | None
    text: str | None
    votes: int = 0


@dataclass(frozen=True)
class MyItem:
    """An item a person shared or saved, with where it is visible and who voted where."""

    item: HomeItem
    channel: str  # the channel of the share shown ('' for a /til in a direct message)
    private: bool  # no public share: only members of `channel` may see it
    shared: bool  # they shared it (else they saved it)
    deletable: bool  # a learning credited to them
    voters: tuple[tuple[str, str], ...]  # (voter, private channel of the vote, '' if public)


@dataclass(frozen=True)
class PersonCounts:
    """How much Serendip stores about one person."""

    shares: int
    saves: int
    votes: int
    flags: int
    questions: int
    replies: int
    bookmarks: int  # messages they keep for themselves (the bookmark reaction)


# saved_by has no index: that part reads the workspace's shares (as forget-me does); an index
# would take a migration, and Home is opened far less often than messages arrive.
MY_ITEM_IDS = """
SELECT item_id, max(at) AS last FROM (
    SELECT item_id, at FROM shares WHERE team_id = :team AND user = :user
    UNION ALL
    SELECT item_id, at FROM shares WHERE team_id = :team AND saved_by = :user
    UNION ALL
    SELECT item_id, at FROM votes WHERE team_id = :team AND voter = :user AND via = 'save'
) GROUP BY item_id ORDER BY last DESC, item_id DESC LIMIT :limit
"""


def my_items(db: Database, team_id: str, user_id: str, limit: int) -> list[MyItem]:
    """Items a person shared or saved, newest activity first."""
    args = {"team": team_id, "user": user_id, "limit": limit}
    found = [_my_item(db, user_id, row[0]) for row in db.execute(MY_ITEM_IDS, args).fetchall()]
    return [item for item in found if item is not None]


def _my_item(db: Database, user_id: str, item_id: str) -> MyItem | None:
    row = db.execute("SELECT kind, url, title, text FROM items WHERE id = ?", [item_id]).fetchone()
    share = _shown_share(db, item_id, user_id)
    if row is None or share is None:
        return None
    kind, url, title, text = row
    channel, share_private, sharer, share_title, share_text = share
    private = not db.execute(
        "SELECT 1 FROM shares WHERE item_id = ? AND is_private = 0 LIMIT 1", [item_id]
    ).fetchone()
    if private:  # its face may come from another private channel: show their share instead
        title, text = share_title or title, share_text
    voters = _voters(db, item_id, channel if share_private else "")
    shared = sharer == user_id
    return MyItem(
        HomeItem(item_id, kind, url, title, text),
        channel or "",
        private,
        shared,
        shared and kind == "learning",
        voters,
    )


def _shown_share(db: Database, item_id: str, user_id: str) -> Any:
    """Their own newest share, else the one they saved, else the first (public first)."""
    return db.execute(
        "SELECT channel, is_private, user, title, text FROM shares WHERE item_id = :item"
        " ORDER BY user IS :user DESC, saved_by IS :user DESC, is_private, at LIMIT 1",
        {"item": item_id, "user": user_id},
    ).fetchone()


def _voters(db: Database, item_id: str, fallback: str) -> tuple[tuple[str, str], ...]:
    """Voters and the private channel each vote stays in ('' for public votes).

    A private vote given by saving carries no channel; it belongs to the private share shown
    (`fallback`), or, with none, to no channel anyone can see it in, so it is left out.
    """
    rows = db.execute("SELECT voter, via, is_private FROM votes WHERE item_id = ?", [item_id])
    found = set()
    for voter, via, private in rows:
        channel = (channel_of_vote(via) or fallback) if private else ""
        if channel or not private:
            found.add((str(voter), channel))
    return tuple(sorted(found))


TOP_ITEMS = f"""
SELECT i.id, i.kind, i.url, i.title, i.text, count(DISTINCT v.voter) AS n
FROM votes v INDEXED BY votes_at JOIN items i ON i.id = v.item_id
WHERE v.team_id = :team AND v.at >= :since AND v.is_private = 0
  AND EXISTS (SELECT 1 FROM shares s WHERE s.item_id = v.item_id AND s.is_private = 0)
  AND (SELECT count(DISTINCT flagger) FROM flags f WHERE f.item_id = v.item_id) < {FLAG_LIMIT}
GROUP BY i.id ORDER BY n DESC, max(v.at) DESC LIMIT :limit
"""


def top_items(db: Database, team_id: str, since: float, limit: int) -> list[HomeItem]:
    """Public items with the most public votes since `since`; flagged items left out."""
    rows = db.execute(TOP_ITEMS, {"team": team_id, "since": since, "limit": limit})
    return [HomeItem(*row) for row in rows.fetchall()]


def delete_learning(db: Database, team_id: str, user_id: str, item_id: str, now: float) -> bool:
    """Remove a person's learning: what each of their messages that made it shared (the
    learning and its links); False if it is not theirs.

    An item goes when no share is left (refresh_items), with its votes and flags.
    """
    kind = db.execute(
        "SELECT kind FROM items WHERE id = ? AND team_id = ?", [item_id, team_id]
    ).fetchone()
    if kind is None or kind[0] != "learning":
        return False
    where = "FROM shares WHERE item_id = ? AND team_id = ? AND user = ?"
    messages = db.execute(f"SELECT channel, ts {where}", [item_id, team_id, user_id]).fetchall()
    if not messages:
        return False
    touched = {item_id}
    for channel, ts in messages:
        # The whole message goes: a link in the learning is a link item too, and its share
        # says the same words.
        message = {"t": team_id, "c": channel, "ts": ts, "u": user_id}
        touched |= {
            row[0]
            for row in db.execute(
                "SELECT item_id FROM shares WHERE team_id = :t AND channel = :c AND ts = :ts"
                " AND user = :u",
                message,
            )
        }
        db.execute(
            "DELETE FROM shares WHERE team_id = :t AND channel = :c AND ts = :ts AND user = :u",
            message,
        )
        # Reactions are kept per message; one that now shares nothing has no use for them.
        db.execute(
            "DELETE FROM reactions WHERE team_id = :t AND channel = :c AND ts = :ts AND NOT"
            " EXISTS (SELECT 1 FROM shares WHERE team_id = :t AND channel = :c AND ts = :ts)",
            message,
        )
    refresh_items(db, team_id, touched, now)
    return True


PERSON_COUNTS = """
SELECT
  (SELECT count(*) FROM shares WHERE team_id = :team AND user = :user),
  (SELECT count(*) FROM (
      SELECT item_id FROM shares WHERE team_id = :team AND saved_by = :user
      UNION SELECT item_id FROM votes WHERE team_id = :team AND voter = :user AND via = 'save')),
  (SELECT count(DISTINCT item_id) FROM votes WHERE team_id = :team AND voter = :user),
  (SELECT count(DISTINCT item_id) FROM flags WHERE team_id = :team AND flagger = :user),
  (SELECT count(*) FROM questions WHERE team_id = :team AND asker = :user),
  (SELECT count(*) FROM replies WHERE team_id = :team AND user = :user),
  (SELECT count(*) FROM bookmarks WHERE team_id = :team AND user = :user)
"""


def person_counts(db: Database, team_id: str, user_id: str) -> PersonCounts:
    """Counts of what is stored about a person (Home's privacy block)."""
    row = db.execute(PERSON_COUNTS, {"team": team_id, "user": user_id}).fetchone()
    return PersonCounts(*(int(n) for n in row))


def claim_welcome(db: Database, team_id: str, user_id: str, now: float) -> bool:
    """True the first time a person opens Home (the welcome is then shown), once; never for
    someone who opted out: nothing is recorded from them."""
    if is_opted_out(db, team_id, user_id):
        return False
    changed = db.execute(
        "INSERT INTO person_settings (team_id, user_id, welcomed_at) VALUES (?, ?, ?)"
        " ON CONFLICT (team_id, user_id) DO UPDATE SET welcomed_at = excluded.welcomed_at"
        " WHERE welcomed_at IS NULL",
        [team_id, user_id, now],
    ).rowcount
    return changed > 0


DIGEST_STANDING = """
SELECT
  (SELECT digest FROM person_settings WHERE team_id = :team AND user_id = :user),
  EXISTS (SELECT 1 FROM shares WHERE team_id = :team AND user = :user AND at >= :since)
  OR EXISTS (SELECT 1 FROM votes WHERE team_id = :team AND voter = :user AND at >= :since)
  OR EXISTS (SELECT 1 FROM activity WHERE team_id = :team AND user_id = :user AND at >= :since)
"""


def digest_standing(
    db: Database, team_id: str, user_id: str, since: float
) -> tuple[str | None, bool]:
    """(the digest cadence the person chose, None if never; whether they were active since
    `since`), as the digest job's recipients query reads them."""
    chosen, active = db.execute(
        DIGEST_STANDING, {"team": team_id, "user": user_id, "since": since}
    ).fetchone()
    return (str(chosen) if chosen else None), bool(active)


# The learning network: public votes on public shares only, so it says nothing of what
# happened in private channels. Who found yours useful names only people whose reaction
# everyone in the channel already saw: a Useful press in a digest was seen by nobody.
FOUND_USEFUL_BY_ME = """
SELECT s.user, count(DISTINCT v.item_id) AS n FROM votes v
JOIN shares s ON s.team_id = v.team_id AND s.item_id = v.item_id
WHERE v.team_id = :team AND v.voter = :user AND v.is_private = 0 AND s.is_private = 0
  AND s.user IS NOT NULL AND s.user != :user
GROUP BY s.user ORDER BY n DESC, s.user LIMIT :limit
"""
FOUND_MINE_USEFUL = """
SELECT v.voter, count(DISTINCT v.item_id) AS n FROM shares s
JOIN votes v ON v.team_id = s.team_id AND v.item_id = s.item_id
WHERE s.team_id = :team AND s.user = :user AND s.is_private = 0 AND v.is_private = 0
  AND v.voter != :user AND v.via LIKE 'm:%'
GROUP BY v.voter ORDER BY n DESC, v.voter LIMIT :limit
"""


def learning_network(
    db: Database, team_id: str, user_id: str, limit: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(people whose shares the person found useful, people who found the person's shares
    useful), each with how many items, most first."""
    args = {"team": team_id, "user": user_id, "limit": limit}
    mine = [(str(u), int(n)) for u, n in db.execute(FOUND_USEFUL_BY_ME, args)]
    theirs = [(str(u), int(n)) for u, n in db.execute(FOUND_MINE_USEFUL, args)]
    return mine, theirs
