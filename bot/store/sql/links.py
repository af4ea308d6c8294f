"""SQL for link metadata: the fetch queue, fetched pages, and merging items that are one page."""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlite_utils import Database

from bot.models import FetchedPage
from bot.store.results import CheckOutcome
from bot.store.sql import search_index, team_items
from bot.store.sql.capture import refresh_items
from bot.store.sql.face import forget_terms
from bot.urls import link_key


def schedule_fetches(db: Database, team_id: str, item_ids: Iterable[str], due: float) -> int:
    """Queue links that have no title yet (no unfurl, never fetched); returns how many."""
    queued = 0
    for item_id in item_ids:
        queued += db.execute(
            "INSERT OR IGNORE INTO fetch_queue (item_id, team_id, url, due_at)"
            " SELECT id, team_id, url, ? FROM items WHERE id = ? AND kind = 'link'"
            " AND url IS NOT NULL AND title IS NULL AND fetch_status IS NULL",
            [due, item_id],
        ).rowcount
    return queued


def due_fetches(db: Database, now: float, limit: int) -> list[tuple[str, str, str, int]]:
    """(item id, team id, url, attempts so far) of fetches that are due, oldest first."""
    rows = db.execute(
        "SELECT item_id, team_id, url, attempts FROM fetch_queue WHERE due_at <= ?"
        " ORDER BY due_at LIMIT ?",
        [now, limit],
    )
    return [(str(a), str(b), str(c), int(d)) for a, b, c, d in rows]


def postpone_fetch(db: Database, item_id: str, due: float, error: str | None) -> None:
    """A fetch failed for now: try again at `due`."""
    db.execute(
        "UPDATE fetch_queue SET attempts = attempts + 1, due_at = ? WHERE item_id = ?",
        [due, item_id],
    )
    db.execute("UPDATE items SET fetch_error = ? WHERE id = ?", [error, item_id])


FETCHED = (
    "fetch_status",
    "fetched_at",
    "fetch_error",
    "fetched_title",
    "fetched_description",
    "fetched_site_name",
    "final_url",
)


def record_fetch(db: Database, item_id: str, page: FetchedPage, now: float) -> str | None:
    """Keep what a fetch found and merge items that are the same page; returns the kept id.

    The page is recorded on the item whose URL was fetched. A redirect target is the same
    page, so its item may take the page over; a canonical link is only the page's claim, so
    the item it names keeps its own face (a hostile page cannot retitle another item).
    """
    db.execute("DELETE FROM fetch_queue WHERE item_id = ?", [item_id])
    row = db.execute("SELECT team_id FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        return None  # deleted while it was being fetched
    team_id = str(row[0])
    assignments = ", ".join(f"{column} = ?" for column in FETCHED)
    db.execute(
        f"UPDATE items SET {assignments} WHERE id = ?",
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
        "DELETE FROM fetch_queue WHERE item_id = ? AND EXISTS"
        " (SELECT 1 FROM items WHERE id = ? AND fetch_status IS NOT NULL)",
        [kept, kept],
    )
    refresh_items(db, team_id, {kept}, now)
    return kept


def _item_for(db: Database, team_id: str, key: str) -> str | None:
    row = (
        db.execute("SELECT id FROM items WHERE team_id = ? AND key = ?", [team_id, key]).fetchone()
        or db.execute(
            "SELECT item_id FROM url_aliases WHERE team_id = ? AND key = ?", [team_id, key]
        ).fetchone()
    )
    return str(row[0]) if row else None


def _public(db: Database, item_id: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM shares WHERE item_id = ? AND is_private = 0 LIMIT 1", [item_id]
    ).fetchone()
    return row is not None


def merge_url(
    db: Database, team_id: str, item_id: str, url: str, fetched: str, redirect: bool, now: float
) -> str:
    """Make `url` another name of the item; an item that already has it is merged in.

    The older item keeps its id, as docs/interface.md promises. A public and a private item are
    never merged: that would show what was said privately on a public item, or the reverse.
    """
    key = link_key(url)
    other = _item_for(db, team_id, key)
    if other is None:
        db.execute(
            "INSERT OR IGNORE INTO url_aliases (team_id, key, item_id) VALUES (?, ?, ?)",
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
            f"UPDATE items SET ({columns}) = (SELECT {columns} FROM items WHERE id = ?)"
            " WHERE id = ?",
            [fetched, keep],
        )
    _move(db, team_id, keep, drop)
    if keep != named:
        _take_identity(db, team_id, keep, url, redirect, now)
    return keep


def _take_identity(
    db: Database, team_id: str, keep: str, url: str, keep_page: bool, now: float
) -> None:
    """The kept row becomes the named item: its key and URL, and the fetched page only when
    that page is the named URL's own (a redirect); otherwise it is fetched for itself."""
    key = link_key(url)
    db.execute("DELETE FROM url_aliases WHERE team_id = ? AND key = ?", [team_id, key])
    old_key = db.execute("SELECT key FROM items WHERE id = ?", [keep]).fetchone()[0]
    db.execute("UPDATE items SET key = ?, url = ? WHERE id = ?", [key, url, keep])
    db.execute(
        "INSERT OR REPLACE INTO url_aliases (team_id, key, item_id) VALUES (?, ?, ?)",
        [team_id, old_key, keep],
    )
    if not keep_page:
        nulls = ", ".join(f"{column} = NULL" for column in FETCHED)
        db.execute(f"UPDATE items SET {nulls}, title = NULL WHERE id = ?", [keep])
        schedule_fetches(db, team_id, [keep], now)


def _rowid(db: Database, item_id: str) -> int:
    return int(db.execute("SELECT rowid FROM items WHERE id = ?", [item_id]).fetchone()[0])


def _move(db: Database, team_id: str, keep: str, drop: str) -> None:
    """Everything of `drop` goes to `keep`; `drop`'s key becomes an alias of `keep`."""
    for table, columns in (
        (
            "shares",
            "team_id, item_id, channel, ts, at, user, text, thread_ts, is_private, source,"
            " saved_by, title, description, site_name",
        ),
        ("votes", "team_id, item_id, voter, via, is_private, at"),
        ("flags", "team_id, item_id, flagger, via, is_private, at"),
    ):
        rest = columns.replace("team_id, item_id, ", "")
        db.execute(
            f"INSERT OR IGNORE INTO {table} ({columns}) SELECT team_id, ?, {rest} FROM {table}"
            " WHERE item_id = ?",
            [keep, drop],
        )
        db.execute(f"DELETE FROM {table} WHERE item_id = ?", [drop])
    key = db.execute("SELECT key FROM items WHERE id = ?", [drop]).fetchone()[0]
    db.execute("UPDATE url_aliases SET item_id = ? WHERE item_id = ?", [keep, drop])
    forget_terms(db, drop)
    search_index.drop_item(db, drop)  # `keep`'s documents are refreshed with its shares
    for table in ("fetch_queue", "link_checks"):
        db.execute(f"DELETE FROM {table} WHERE item_id = ?", [drop])
    db.execute("DELETE FROM items WHERE id = ?", [drop])
    team_items.count_items(db, team_id, -1)
    db.execute(
        "INSERT OR REPLACE INTO url_aliases (team_id, key, item_id) VALUES (?, ?, ?)",
        [team_id, key, keep],
    )


WEEK = 7 * 86400.0


def links_to_check(db: Database, now: float, since: float, limit: int) -> list[tuple[str, str]]:
    """(item id, url) of live links sent in digests since `since` that are due a health check:
    never checked, last checked well more than a week ago, or last seen failing on another
    day than today."""
    today = _day(now)
    rows = db.execute(
        "SELECT i.id, i.url, c.outcome, c.at, c.day FROM items i"
        " LEFT JOIN link_checks c ON c.item_id = i.id"
        " AND c.at = (SELECT max(at) FROM link_checks WHERE item_id = i.id)"
        " WHERE i.kind = 'link' AND i.url IS NOT NULL AND i.dead = 0"
        " AND EXISTS (SELECT 1 FROM digest_sent d WHERE d.item_id = i.id AND d.at >= ?)"
        " ORDER BY c.at IS NOT NULL, c.at, i.rowid",
        [since],
    )
    due = []  # never checked first, then the longest unchecked: nothing starves
    for item_id, url, outcome, at, day in rows:
        weekly = outcome in ("ok", "refused")  # a refused target is not fetched daily
        if outcome is None or (weekly and at <= now - WEEK) or (not weekly and day != today):
            due.append((str(item_id), str(url)))
    return due[:limit]


def record_check(db: Database, item_id: str, outcome: CheckOutcome, now: float) -> bool:
    """Keep one day's check ("ok", "gone", "error", "refused"); True if the link is now dead:
    gone on three different days."""
    db.execute(
        "INSERT OR REPLACE INTO link_checks (item_id, day, outcome, at) VALUES (?, ?, ?, ?)",
        [item_id, _day(now), outcome, now],
    )
    gone = db.execute(
        "SELECT count(*) FROM link_checks WHERE item_id = ? AND outcome = 'gone'", [item_id]
    ).fetchone()[0]
    if gone >= 3:
        db.execute("UPDATE items SET dead = 1 WHERE id = ?", [item_id])
        return True
    return False


def _day(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(now))
