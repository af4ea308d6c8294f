"""PostgreSQL twins of `bot/store/sql/home.py`: a person's items, the team's top items, and
what is stored on them.

Text sort keys are compared as bytes (COLLATE "C"), as SQLite compares them, whatever the
database's collation; SQLite's `LIKE` ignores ASCII case, hence ILIKE.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.pg import capture as pg_capture
from bot.store.pg.directory import is_opted_out
from bot.store.sql.home import HomeItem, MyItem, PersonCounts
from bot.store.sql.search import FLAG_LIMIT
from bot.store.sql.snapshot import channel_of_vote

Conn = Connection[Any]

MY_ITEM_IDS = """
SELECT item_id, max(at) AS last FROM (
    SELECT item_id, at FROM shares WHERE team_id = %(team)s AND "user" = %(user)s
    UNION ALL
    SELECT item_id, at FROM shares WHERE team_id = %(team)s AND saved_by = %(user)s
    UNION ALL
    SELECT item_id, at FROM votes WHERE team_id = %(team)s AND voter = %(user)s AND via = 'save'
) AS mine GROUP BY item_id ORDER BY last DESC, item_id COLLATE "C" DESC LIMIT %(limit)s
"""


def my_items(db: Conn, team_id: str, user_id: str, limit: int) -> list[MyItem]:
    """Items a person shared or saved, newest activity first."""
    args = {"team": team_id, "user": user_id, "limit": limit}
    found = [_my_item(db, user_id, row[0]) for row in db.execute(MY_ITEM_IDS, args).fetchall()]
    return [item for item in found if item is not None]


def _my_item(db: Conn, user_id: str, item_id: str) -> MyItem | None:
    row = db.execute("SELECT kind, url, title, text FROM items WHERE id = %s", [item_id]).fetchone()
    share = _shown_share(db, item_id, user_id)
    if row is None or share is None:
        return None
    kind, url, title, text = row
    channel, share_private, sharer, share_title, share_text = share
    private = not db.execute(
        "SELECT 1 FROM shares WHERE item_id = %s AND is_private = 0 LIMIT 1", [item_id]
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


def _shown_share(db: Conn, item_id: str, user_id: str) -> Any:
    """Their own newest share, else the one they saved, else the first (public first)."""
    return db.execute(
        'SELECT channel, is_private, "user", title, text FROM shares WHERE item_id = %(item)s'
        ' ORDER BY ("user" IS NOT DISTINCT FROM %(user)s) DESC,'
        " (saved_by IS NOT DISTINCT FROM %(user)s) DESC, is_private, at LIMIT 1",
        {"item": item_id, "user": user_id},
    ).fetchone()


def _voters(db: Conn, item_id: str, fallback: str) -> tuple[tuple[str, str], ...]:
    """Voters and the private channel each vote stays in ('' for public votes); a private
    vote by saving belongs to the private share shown, else it is left out (as on SQLite)."""
    rows = db.execute("SELECT voter, via, is_private FROM votes WHERE item_id = %s", [item_id])
    found = set()
    for voter, via, private in rows:
        channel = (channel_of_vote(via) or fallback) if private else ""
        if channel or not private:
            found.add((str(voter), channel))
    return tuple(sorted(found))


TOP_ITEMS = f"""
SELECT i.id, i.kind, i.url, i.title, i.text, count(DISTINCT v.voter) AS n
FROM votes v JOIN items i ON i.id = v.item_id
WHERE v.team_id = %(team)s AND v.at >= %(since)s AND v.is_private = 0
  AND EXISTS (SELECT 1 FROM shares s WHERE s.item_id = v.item_id AND s.is_private = 0)
  AND (SELECT count(DISTINCT flagger) FROM flags f WHERE f.item_id = v.item_id) < {FLAG_LIMIT}
GROUP BY i.id ORDER BY n DESC, max(v.at) DESC LIMIT %(limit)s
"""


def top_items(db: Conn, team_id: str, since: float, limit: int) -> list[HomeItem]:
    """Public items with the most public votes since `since`; flagged items left out."""
    rows = db.execute(TOP_ITEMS, {"team": team_id, "since": since, "limit": limit})
    return [HomeItem(*row) for row in rows.fetchall()]


def delete_learning(db: Conn, team_id: str, user_id: str, item_id: str, now: float) -> bool:
    """Remove a person's learning: what each of their messages that made it shared (the
    learning and its links); False if it is not theirs."""
    kind = db.execute(
        "SELECT kind FROM items WHERE id = %s AND team_id = %s", [item_id, team_id]
    ).fetchone()
    if kind is None or kind[0] != "learning":
        return False
    where = 'FROM shares WHERE item_id = %s AND team_id = %s AND "user" = %s'
    messages = db.execute(f"SELECT channel, ts {where}", [item_id, team_id, user_id]).fetchall()
    if not messages:
        return False
    touched = {item_id}
    message_is = 'team_id = %(t)s AND channel = %(c)s AND ts = %(ts)s AND "user" = %(u)s'
    for channel, ts in messages:
        # The whole message goes: a link in the learning is a link item too.
        message = {"t": team_id, "c": channel, "ts": ts, "u": user_id}
        rows = db.execute(f"SELECT item_id FROM shares WHERE {message_is}", message)
        touched |= {row[0] for row in rows}
        db.execute(f"DELETE FROM shares WHERE {message_is}", message)
        # Reactions are kept per message; one that now shares nothing has no use for them.
        db.execute(
            "DELETE FROM reactions WHERE team_id = %(t)s AND channel = %(c)s AND ts = %(ts)s"
            " AND NOT EXISTS (SELECT 1 FROM shares WHERE team_id = %(t)s AND channel = %(c)s"
            " AND ts = %(ts)s)",
            message,
        )
    pg_capture.refresh_items(db, team_id, touched, now)
    return True


PERSON_COUNTS = """
SELECT
  (SELECT count(*) FROM shares WHERE team_id = %(team)s AND "user" = %(user)s),
  (SELECT count(*) FROM (
      SELECT item_id FROM shares WHERE team_id = %(team)s AND saved_by = %(user)s
      UNION SELECT item_id FROM votes WHERE team_id = %(team)s AND voter = %(user)s
      AND via = 'save') AS saved),
  (SELECT count(DISTINCT item_id) FROM votes WHERE team_id = %(team)s AND voter = %(user)s),
  (SELECT count(DISTINCT item_id) FROM flags WHERE team_id = %(team)s AND flagger = %(user)s),
  (SELECT count(*) FROM questions WHERE team_id = %(team)s AND asker = %(user)s),
  (SELECT count(*) FROM replies WHERE team_id = %(team)s AND "user" = %(user)s),
  (SELECT count(*) FROM bookmarks WHERE team_id = %(team)s AND "user" = %(user)s)
"""


def person_counts(db: Conn, team_id: str, user_id: str) -> PersonCounts:
    """Counts of what is stored about a person (Home's privacy block)."""
    row = db.execute(PERSON_COUNTS, {"team": team_id, "user": user_id}).fetchone()
    assert row is not None  # one row of counts, always
    return PersonCounts(*(int(n) for n in row))


def claim_welcome(db: Conn, team_id: str, user_id: str, now: float) -> bool:
    """True the first time a person opens Home (the welcome is then shown), once; never for
    someone who opted out: nothing is recorded from them."""
    if is_opted_out(db, team_id, user_id):
        return False
    changed = db.execute(
        "INSERT INTO person_settings (team_id, user_id, welcomed_at) VALUES (%s, %s, %s)"
        " ON CONFLICT (team_id, user_id) DO UPDATE SET welcomed_at = excluded.welcomed_at"
        " WHERE person_settings.welcomed_at IS NULL",
        [team_id, user_id, now],
    ).rowcount
    return changed > 0


DIGEST_STANDING = """
SELECT
  (SELECT digest FROM person_settings WHERE team_id = %(team)s AND user_id = %(user)s),
  EXISTS (SELECT 1 FROM shares WHERE team_id = %(team)s AND "user" = %(user)s
          AND at >= %(since)s)
  OR EXISTS (SELECT 1 FROM votes WHERE team_id = %(team)s AND voter = %(user)s
             AND at >= %(since)s)
  OR EXISTS (SELECT 1 FROM activity WHERE team_id = %(team)s AND user_id = %(user)s
             AND at >= %(since)s)
"""


def digest_standing(db: Conn, team_id: str, user_id: str, since: float) -> tuple[str | None, bool]:
    """(the digest cadence the person chose, None if never; whether they were active since
    `since`), as the digest job's recipients query reads them."""
    row = db.execute(DIGEST_STANDING, {"team": team_id, "user": user_id, "since": since})
    chosen, active = row.fetchone() or (None, False)
    return (str(chosen) if chosen else None), bool(active)


# Public votes on public shares only; "who found yours useful" names only reactions (m:),
# which everyone in the channel saw.
FOUND_USEFUL_BY_ME = """
SELECT s."user", count(DISTINCT v.item_id) AS n FROM votes v
JOIN shares s ON s.team_id = v.team_id AND s.item_id = v.item_id
WHERE v.team_id = %(team)s AND v.voter = %(user)s AND v.is_private = 0 AND s.is_private = 0
  AND s."user" IS NOT NULL AND s."user" != %(user)s
GROUP BY s."user" ORDER BY n DESC, s."user" COLLATE "C" LIMIT %(limit)s
"""
FOUND_MINE_USEFUL = """
SELECT v.voter, count(DISTINCT v.item_id) AS n FROM shares s
JOIN votes v ON v.team_id = s.team_id AND v.item_id = s.item_id
WHERE s.team_id = %(team)s AND s."user" = %(user)s AND s.is_private = 0 AND v.is_private = 0
  AND v.voter != %(user)s AND v.via ILIKE 'm:%%'
GROUP BY v.voter ORDER BY n DESC, v.voter COLLATE "C" LIMIT %(limit)s
"""


def learning_network(
    db: Conn, team_id: str, user_id: str, limit: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(people whose shares the person found useful, people who found the person's shares
    useful), each with how many items, most first."""
    args = {"team": team_id, "user": user_id, "limit": limit}
    mine = [(str(u), int(n)) for u, n in db.execute(FOUND_USEFUL_BY_ME, args)]
    theirs = [(str(u), int(n)) for u, n in db.execute(FOUND_MINE_USEFUL, args)]
    return mine, theirs
