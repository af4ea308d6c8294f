"""PostgreSQL twins of `bot/store/sql/merging.py`: making two items one (`www.` spellings of one
page, a learning and its own link).

SQLite runs these in the migration that brought older databases to one item per thing (m12);
no PostgreSQL database predates that rule, so here they only keep the floors alike. Rows SQLite
names by rowid are named by their primary key: url_aliases and removed_shares declare none.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.pg.capture import delete_items, refresh_items
from bot.store.sql.merging import RENAMED, _new_key
from bot.urls import link_key

Conn = Connection[Any]

# Tables whose rows hang off an item and move to the item it is merged into; a row the kept
# item already has (one voter, one recipient) is kept once. Shares keep their stored order.
MOVED = (
    (
        "shares",
        'channel, ts, at, "user", text, thread_ts, is_private, source, saved_by, title,'
        " description, site_name",
        " ORDER BY at, rowid",
    ),
    ("votes", "voter, via, is_private, at", ""),
    ("flags", "flagger, via, is_private, at", ""),
    ("digest_sent", "recipient, at", ""),
)


def merge_into(db: Conn, team_id: str, keep: str, drop: str, now: float) -> None:
    """Everything of `drop` (shares, votes, flags, digests sent, clicks) goes to `keep`, and
    `drop` is deleted with what is left of it (search documents, terms, fetches)."""
    for table, rest, order in MOVED:
        db.execute(
            f"INSERT INTO {table} (team_id, item_id, {rest})"
            f" SELECT team_id, %s, {rest} FROM {table} WHERE item_id = %s{order}"
            " ON CONFLICT DO NOTHING",
            [keep, drop],
        )
        db.execute(f"DELETE FROM {table} WHERE item_id = %s", [drop])
    for table in RENAMED:
        db.execute(f"UPDATE {table} SET item_id = %s WHERE item_id = %s", [keep, drop])
    delete_items(db, [drop])
    refresh_items(db, team_id, [keep], now)


def _host_groups(db: Conn) -> dict[str, list[tuple[str, str]]]:
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
    # ILIKE: SQLite's LIKE ignores ASCII case. No parameters here, so '%' is written plain.
    named = db.execute(
        "SELECT id, team_id, key, rowid FROM items WHERE key ILIKE 'link:%' ORDER BY rowid"
    ).fetchall()
    aliases = db.execute(
        "SELECT a.item_id, a.team_id, a.key, i.rowid FROM url_aliases a"
        " JOIN items i ON i.id = a.item_id WHERE a.key ILIKE 'link:%'"
        ' ORDER BY a.team_id, a.key COLLATE "C"'
    ).fetchall()
    for item, team, key, rowid in [*named, *aliases]:
        item, team = str(item), str(team)
        if item not in parent:
            parent[item], teams[item], order[item] = item, team, int(rowid)
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


def one_item_per_host(db: Conn, now: float) -> None:
    """Link items whose URLs differ only by a leading `www.` become one (the oldest, whose
    URL is the first spelling seen); every link key, alias and removal drops its `www.`."""
    for keep, drops in _host_groups(db).items():
        for team, drop in drops:
            # Joined through an alias, the dropped item's own URL may be another page's
            # spelling: it stays a name of the kept item.
            row = db.execute("SELECT key FROM items WHERE id = %s", [drop]).fetchone()
            if row is None:  # SQLite's floor fails here too: a group's items exist
                raise LookupError(f"no item {drop}")
            key = str(row[0])
            db.execute(
                "INSERT INTO url_aliases (team_id, key, item_id) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                [team, _new_key(key), keep],
            )
            merge_into(db, team, keep, drop, now)
    for item, key in db.execute("SELECT id, key FROM items WHERE key ILIKE 'link:%'").fetchall():
        db.execute("UPDATE items SET key = %s WHERE id = %s", [_new_key(key), item])
    _respell(db, "url_aliases", "key", ("team_id",))
    _respell(db, "removed_shares", "item_key", ("team_id", "channel", "ts"))
    # An alias that is now an item's own key says nothing more.
    db.execute(
        "DELETE FROM url_aliases WHERE EXISTS (SELECT 1 FROM items i"
        " WHERE i.team_id = url_aliases.team_id AND i.key = url_aliases.key)"
    )


def _respell(db: Conn, table: str, column: str, rest: tuple[str, ...]) -> None:
    """Each link key of `table` without its `www.`; a row whose new spelling is there already
    goes (SQLite's UPDATE OR IGNORE, then the delete)."""
    named = " AND ".join(f"{c} = %s" for c in rest)
    rows = db.execute(
        f"SELECT {', '.join(rest)}, {column} FROM {table} WHERE {column} ILIKE 'link:%'"
    ).fetchall()
    for *others, key in rows:
        new = _new_key(key)
        db.execute(
            f"UPDATE {table} SET {column} = %s WHERE {named} AND {column} = %s"
            f" AND NOT EXISTS (SELECT 1 FROM {table} WHERE {named} AND {column} = %s)",
            [new, *others, key, *others, new],
        )
        if new != key:  # the same row in its new spelling was already there
            db.execute(f"DELETE FROM {table} WHERE {named} AND {column} = %s", [*others, key])


def one_story_per_learning(db: Conn, now: float) -> None:
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
        " WHERE l.source <> 'save' ORDER BY l.at, l.rowid, k.rowid"
    ).fetchall()
    into: dict[str, tuple[str, str]] = {}
    for team, learning, link, channel, ts in rows:
        db.execute(
            "DELETE FROM shares WHERE item_id = %s AND channel = %s AND ts = %s",
            [link, channel, ts],
        )
        into.setdefault(link, (team, learning))
    for link, (team, learning) in into.items():
        left = db.execute(
            "SELECT 1 FROM shares WHERE item_id = %s AND source <> 'forward' LIMIT 1", [link]
        ).fetchone()
        if left is None:
            merge_into(db, team, learning, link, now)
        else:
            refresh_items(db, team, [link], now)
