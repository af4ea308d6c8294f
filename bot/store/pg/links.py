"""PostgreSQL twins of `bot/store/sql/links.py`: the fetch queue, fetched pages, link health
checks, and merging items that are one page.

Where SQLite breaks ties by its implicit rowid (the older item is kept, queued fetches go in the
order they were queued), the PostgreSQL schema declares that rowid on items and fetch_queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg import Connection

from bot.models import FetchedPage
from bot.store.pg import search_index, team_items
from bot.store.pg.capture import refresh_items
from bot.store.pg.face import forget_terms
from bot.store.results import CheckOutcome
from bot.store.sql.links import FETCHED, WEEK, _day
from bot.urls import link_key

Conn = Connection[Any]


def schedule_fetches(db: Conn, team_id: str, item_ids: Iterable[str], due: float) -> int:
    """Queue links that have no title yet (no unfurl, never fetched); returns how many."""
    queued = 0
    for item_id in item_ids:
        queued += db.execute(
            "INSERT INTO fetch_queue (item_id, team_id, url, due_at)"
            " SELECT id, team_id, url, %s FROM items WHERE id = %s AND kind = 'link'"
            " AND url IS NOT NULL AND title IS NULL AND fetch_status IS NULL"
            " ON CONFLICT DO NOTHING",
            [due, item_id],
        ).rowcount
    return queued


def due_fetches(db: Conn, now: float, limit: int) -> list[tuple[str, str, str, int]]:
    """(item id, team id, url, attempts so far) of fetches that are due, oldest first."""
    rows = db.execute(
        "SELECT item_id, team_id, url, attempts FROM fetch_queue WHERE due_at <= %s"
        " ORDER BY due_at, rowid LIMIT %s",
        [now, limit],
    )
    return [(str(a), str(b), str(c), int(d)) for a, b, c, d in rows]


def postpone_fetch(db: Conn, item_id: str, due: float, error: str | None) -> None:
    """A fetch failed for now: try again at `due`."""
    db.execute(
        "UPDATE fetch_queue SET attempts = attempts + 1, due_at = %s WHERE item_id = %s",
        [due, item_id],
    )
    db.execute("UPDATE items SET fetch_error = %s WHERE id = %s", [error, item_id])


def record_fetch(db: Conn, item_id: str, page: FetchedPage, now: float) -> str | None:
    """Keep what a fetch found and merge items that are the same page; returns the kept id.

    The page is recorded on the item whose URL was fetched. A redirect target is the same
    page, so its item may take the page over; a canonical link is only the page's claim, so
    the item it names keeps its own face (a hostile page cannot retitle another item).
    """
    db.execute("DELETE FROM fetch_queue WHERE item_id = %s", [item_id])
    row = db.execute("SELECT team_id FROM items WHERE id = %s", [item_id]).fetchone()
    if row is None:
        return None  # deleted while it was being fetched
    team_id = str(row[0])
    assignments = ", ".join(f"{column} = %s" for column in FETCHED)
    db.execute(
        f"UPDATE items SET {assignments} WHERE id = %s",
        [
            page.status,
            now,
            page.error,
            page.title,
            page.description,
            page.site_name,
            page.final_url,
            item_id,
        ],
    )
    kept = item_id
    for url in page.same_page_urls:
        kept = merge_url(db, team_id, kept, url, item_id, url == page.final_url, now)
    db.execute(  # the kept item has its page now: no fetch of its own is needed
        "DELETE FROM fetch_queue WHERE item_id = %s AND EXISTS"
        " (SELECT 1 FROM items WHERE id = %s AND fetch_status IS NOT NULL)",
        [kept, kept],
    )
    refresh_items(db, team_id, {kept}, now)
    return kept


def _item_for(db: Conn, team_id: str, key: str) -> str | None:
    row = (
        db.execute(
            "SELECT id FROM items WHERE team_id = %s AND key = %s", [team_id, key]
        ).fetchone()
        or db.execute(
            "SELECT item_id FROM url_aliases WHERE team_id = %s AND key = %s", [team_id, key]
        ).fetchone()
    )
    return str(row[0]) if row else None


def _public(db: Conn, item_id: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM shares WHERE item_id = %s AND is_private = 0 LIMIT 1", [item_id]
    ).fetchone()
    return row is not None


def merge_url(
    db: Conn, team_id: str, item_id: str, url: str, fetched: str, redirect: bool, now: float
) -> str:
    """Make `url` another name of the item; an item that already has it is merged in.

    The older item keeps its id, as docs/interface.md promises. A public and a private item are
    never merged: that would show what was said privately on a public item, or the reverse.
    """
    key = link_key(url)
    other = _item_for(db, team_id, key)
    if other is None:
        db.execute(
            "INSERT INTO url_aliases (team_id, key, item_id) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            [team_id, key, item_id],
        )
        return item_id
    if other == item_id or _public(db, other) != _public(db, item_id):
        return item_id
    keep, drop = sorted((item_id, other), key=lambda i: _rowid(db, i))
    named = other  # the item that is called `url`: its face must survive the merge
    if redirect and keep != fetched:
        columns = ", ".join(FETCHED)
        db.execute(
            f"UPDATE items SET ({columns}) = (SELECT {columns} FROM items WHERE id = %s)"
            " WHERE id = %s",
            [fetched, keep],
        )
    _move(db, team_id, keep, drop)
    if keep != named:
        _take_identity(db, team_id, keep, url, redirect, now)
    return keep


def _alias(db: Conn, team_id: str, key: str, item_id: str) -> None:
    """SQLite's INSERT OR REPLACE into url_aliases: `key` names `item_id` now."""
    db.execute(
        "INSERT INTO url_aliases (team_id, key, item_id) VALUES (%s, %s, %s)"
        " ON CONFLICT (team_id, key) DO UPDATE SET item_id = excluded.item_id",
        [team_id, key, item_id],
    )


def _take_identity(
    db: Conn, team_id: str, keep: str, url: str, keep_page: bool, now: float
) -> None:
    """The kept row becomes the named item: its key and URL, and the fetched page only when
    that page is the named URL's own (a redirect); otherwise it is fetched for itself."""
    key = link_key(url)
    db.execute("DELETE FROM url_aliases WHERE team_id = %s AND key = %s", [team_id, key])
    old_key = _key_of(db, keep)
    db.execute("UPDATE items SET key = %s, url = %s WHERE id = %s", [key, url, keep])
    _alias(db, team_id, old_key, keep)
    if not keep_page:
        nulls = ", ".join(f"{column} = NULL" for column in FETCHED)
        db.execute(f"UPDATE items SET {nulls}, title = NULL WHERE id = %s", [keep])
        schedule_fetches(db, team_id, [keep], now)


def _key_of(db: Conn, item_id: str) -> str:
    return str(_column(db, "key", item_id))


def _rowid(db: Conn, item_id: str) -> int:
    return int(_column(db, "rowid", item_id))


def _column(db: Conn, column: str, item_id: str) -> Any:
    row = db.execute(f"SELECT {column} FROM items WHERE id = %s", [item_id]).fetchone()
    if row is None:  # SQLite's floor fails here too: the items being merged exist
        raise LookupError(f"no item {item_id}")
    return row[0]


SHARE_COLUMNS = (
    'team_id, item_id, channel, ts, at, "user", text, thread_ts, is_private, source,'
    " saved_by, title, description, site_name"
)


def _move(db: Conn, team_id: str, keep: str, drop: str) -> None:
    """Everything of `drop` goes to `keep`; `drop`'s key becomes an alias of `keep`."""
    for table, columns, order in (
        ("shares", SHARE_COLUMNS, " ORDER BY at, rowid"),  # as SQLite reads them: shares_item
        ("votes", "team_id, item_id, voter, via, is_private, at", ""),
        ("flags", "team_id, item_id, flagger, via, is_private, at", ""),
    ):
        rest = columns.replace("team_id, item_id, ", "")
        db.execute(
            f"INSERT INTO {table} ({columns}) SELECT team_id, %s, {rest} FROM {table}"
            f" WHERE item_id = %s{order} ON CONFLICT DO NOTHING",
            [keep, drop],
        )
        db.execute(f"DELETE FROM {table} WHERE item_id = %s", [drop])
    key = _key_of(db, drop)
    db.execute("UPDATE url_aliases SET item_id = %s WHERE item_id = %s", [keep, drop])
    forget_terms(db, drop)
    search_index.drop_item(db, drop)  # `keep`'s documents are refreshed with its shares
    for table in ("fetch_queue", "link_checks"):
        db.execute(f"DELETE FROM {table} WHERE item_id = %s", [drop])
    db.execute("DELETE FROM items WHERE id = %s", [drop])
    team_items.count_items(db, team_id, -1)
    _alias(db, team_id, key, keep)


def links_to_check(db: Conn, now: float, since: float, limit: int) -> list[tuple[str, str]]:
    """(item id, url) of live links sent in digests since `since` that are due a health check:
    never checked, last checked well more than a week ago, or last seen failing on another
    day than today."""
    today = _day(now)
    rows = db.execute(
        "SELECT i.id, i.url, c.outcome, c.at, c.day FROM items i"
        " LEFT JOIN link_checks c ON c.item_id = i.id"
        " AND c.at = (SELECT max(at) FROM link_checks WHERE item_id = i.id)"
        " WHERE i.kind = 'link' AND i.url IS NOT NULL AND i.dead = 0"
        " AND EXISTS (SELECT 1 FROM digest_sent d WHERE d.item_id = i.id AND d.at >= %s)"
        " ORDER BY c.at IS NOT NULL, c.at NULLS FIRST, i.rowid",
        [since],
    )
    due = []  # never checked first, then the longest unchecked: nothing starves
    for item_id, url, outcome, at, day in rows:
        weekly = outcome in ("ok", "refused")  # a refused target is not fetched daily
        if outcome is None or (weekly and at <= now - WEEK) or (not weekly and day != today):
            due.append((str(item_id), str(url)))
    return due[:limit]


def record_check(db: Conn, item_id: str, outcome: CheckOutcome, now: float) -> bool:
    """Keep one day's check ("ok", "gone", "error", "refused"); True if the link is now dead:
    gone on three different days."""
    db.execute(
        "INSERT INTO link_checks (item_id, day, outcome, at) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (item_id, day) DO UPDATE SET outcome = excluded.outcome, at = excluded.at",
        [item_id, _day(now), outcome, now],
    )
    row = db.execute(
        "SELECT count(*) FROM link_checks WHERE item_id = %s AND outcome = 'gone'", [item_id]
    ).fetchone()
    if row is not None and row[0] >= 3:
        db.execute("UPDATE items SET dead = 1 WHERE id = %s", [item_id])
        return True
    return False
