"""SQL that makes two items one: `www.` spellings of one page, a learning and its own link.

Used by the migration that brings older databases to the rule of one item per thing
(docs/interface.md); the older item keeps its id, as the export format promises.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.sql.capture import delete_items, refresh_items
from bot.urls import link_key

# Tables whose rows hang off an item and move to the item it is merged into; a row the kept
# item already has (one voter, one recipient) is kept once.
MOVED = (
    (
        "shares",
        "channel, ts, at, user, text, thread_ts, is_private, source, saved_by, title,"
        " description, site_name",
    ),
    ("votes", "voter, via, is_private, at"),
    ("flags", "flagger, via, is_private, at"),
    ("digest_sent", "recipient, at"),
)
RENAMED = ("digest_clicks", "questions", "url_aliases")


def merge_into(db: Database, team_id: str, keep: str, drop: str, now: float) -> None:
    """Everything of `drop` (shares, votes, flags, digests sent, clicks) goes to `keep`, and
    `drop` is deleted with what is left of it (search documents, terms, fetches)."""
    for table, rest in MOVED:
        db.execute(
            f"INSERT OR IGNORE INTO {table} (team_id, item_id, {rest})"
            f" SELECT team_id, ?, {rest} FROM {table} WHERE item_id = ?",
            [keep, drop],
        )
        db.execute(f"DELETE FROM {table} WHERE item_id = ?", [drop])
    for table in RENAMED:
        db.execute(f"UPDATE {table} SET item_id = ? WHERE item_id = ?", [keep, drop])
    delete_items(db, [drop])
    refresh_items(db, team_id, [keep], now)


def _host_groups(db: Database) -> dict[str, list[tuple[str, str]]]:
    """{oldest item id: [(team, other item id), ...]} of link items (or the items their URL
    aliases name) whose keys differ only by a leading `www.`."""
    order: dict[str, int] = {}
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        while parent[item] != item:
            item = parent[item]
        return item

    owner: dict[tuple[str, str], str] = {}
    teams: dict[str, str] = {}
    named = db.execute(
        "SELECT id, team_id, key FROM items WHERE key LIKE 'link:%' ORDER BY rowid"
    ).fetchall()
    aliases = db.execute(
        "SELECT a.item_id, a.team_id, a.key FROM url_aliases a JOIN items i ON i.id = a.item_id"
        " WHERE a.key LIKE 'link:%'"
    ).fetchall()
    for item, team, key in [*named, *aliases]:
        item, team = str(item), str(team)
        if item not in parent:
            parent[item], teams[item] = item, team
            order[item] = int(
                db.execute("SELECT rowid FROM items WHERE id = ?", [item]).fetchone()[0]
            )
        new = (team, link_key(str(key).removeprefix("link:")))
        other = owner.setdefault(new, item)
        a, b = root(other), root(item)
        if a != b:
            keep, drop = sorted((a, b), key=order.__getitem__)
            parent[drop] = keep
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in parent:
        if root(item) != item:
            groups.setdefault(root(item), []).append((teams[item], item))
    return groups


def one_item_per_host(db: Database, now: float) -> None:
    """Link items whose URLs differ only by a leading `www.` become one (the oldest, whose
    URL is the first spelling seen); every link key, alias and removal drops its `www.`."""
    for keep, drops in _host_groups(db).items():
        for team, drop in drops:
            # Joined through an alias, the dropped item's own URL may be another page's
            # spelling: it stays a name of the kept item.
            key = db.execute("SELECT key FROM items WHERE id = ?", [drop]).fetchone()[0]
            db.execute(
                "INSERT OR IGNORE INTO url_aliases (team_id, key, item_id) VALUES (?, ?, ?)",
                [team, _new_key(key), keep],
            )
            merge_into(db, team, keep, drop, now)
    for item, key in db.execute("SELECT id, key FROM items WHERE key LIKE 'link:%'").fetchall():
        db.execute("UPDATE items SET key = ? WHERE id = ?", [_new_key(key), item])
    for table, column in (("url_aliases", "key"), ("removed_shares", "item_key")):
        rows = db.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} LIKE 'link:%'")
        for rowid, key in rows.fetchall():
            db.execute(
                f"UPDATE OR IGNORE {table} SET {column} = ? WHERE rowid = ?", [_new_key(key), rowid]
            )
            if _new_key(key) != key:  # the same row in its new spelling was already there
                db.execute(f"DELETE FROM {table} WHERE rowid = ? AND {column} = ?", [rowid, key])
    # An alias that is now an item's own key says nothing more.
    db.execute(
        "DELETE FROM url_aliases WHERE EXISTS (SELECT 1 FROM items i"
        " WHERE i.team_id = url_aliases.team_id AND i.key = url_aliases.key)"
    )


def _new_key(key: str) -> str:
    return link_key(key.removeprefix("link:"))


def one_story_per_learning(db: Database, now: float) -> None:
    """A message that was a learning and shared links made a learning item and a link item
    per link; now it is the learning alone. Its link shares go; a link item left with no
    share is merged into the learning (its votes and flags kept), one with other shares stays.
    A saved learning ("Save to Serendip") keeps its message's links, as it does live."""
    rows = db.execute(
        "SELECT l.team_id, l.item_id, k.item_id, k.channel, k.ts FROM shares l"
        " JOIN items li ON li.id = l.item_id AND li.kind = 'learning'"
        " JOIN shares k ON k.team_id = l.team_id AND k.channel = l.channel AND k.ts = l.ts"
        " AND k.source = l.source"
        " JOIN items ki ON ki.id = k.item_id AND ki.kind = 'link'"
        " WHERE l.source != 'save' ORDER BY l.at, l.rowid"
    ).fetchall()
    into: dict[str, tuple[str, str]] = {}
    for team, learning, link, channel, ts in rows:
        db.execute(
            "DELETE FROM shares WHERE item_id = ? AND channel = ? AND ts = ?", [link, channel, ts]
        )
        into.setdefault(link, (team, learning))
    for link, (team, learning) in into.items():
        left = db.execute(
            "SELECT 1 FROM shares WHERE item_id = ? AND source != 'forward' LIMIT 1", [link]
        ).fetchone()
        if left is None:
            merge_into(db, team, learning, link, now)
        else:
            refresh_items(db, team, [link], now)
