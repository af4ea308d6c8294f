"""PostgreSQL twins of `bot/store/sql/capture.py`: items, shares, reactions, votes and flags.

Shares of one item come back first share first (`at`, then `ts` compared byte by byte, as
SQLite compares text, whatever the database's collation).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from psycopg import Connection

from bot.models import ItemDraft, ReactionKind, ShareInput
from bot.store.pg import bookmarks, search_index, team_items
from bot.store.pg.face import forget_terms, set_face
from bot.store.sql.capture import PERSONAL, new_item_id, share_row

Conn = Connection[Any]


def user_names(db: Conn, team_id: str) -> dict[str, str]:
    """Display names of the workspace's known people."""
    rows = db.execute("SELECT id, name FROM users WHERE team_id = %s", [team_id])
    return {uid: name for uid, name in rows if name}


def upsert_item(db: Conn, team_id: str, draft: ItemDraft, ts: str, now: float) -> str:
    """The item for this key, created if new (its face is set by refresh_items)."""
    row = (
        db.execute(
            "SELECT id FROM items WHERE team_id = %s AND key = %s", [team_id, draft.key]
        ).fetchone()
        or db.execute(
            "SELECT item_id FROM url_aliases WHERE team_id = %s AND key = %s",
            [team_id, draft.key],
        ).fetchone()
    )  # a URL that turned out to be another item's page (redirect, canonical)
    if row:
        return str(row[0])
    item_id = new_item_id(now)
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, url, title, text, description, site_name,"
        " created_ts) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            item_id,
            team_id,
            draft.key,
            draft.kind,
            draft.url,
            draft.title,
            draft.text,
            draft.description,
            draft.site_name,
            ts,
        ],
    )
    team_items.count_items(db, team_id, 1)
    return item_id


SHARE_UPSERT = (
    'INSERT INTO shares (team_id, item_id, channel, ts, at, "user", text, thread_ts, is_private,'
    " source, saved_by, title, description, site_name)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (item_id, channel, ts) DO UPDATE SET text = excluded.text,"
    ' "user" = excluded."user", is_private = excluded.is_private,'
    " saved_by = COALESCE(shares.saved_by, excluded.saved_by),"
    " title = COALESCE(excluded.title, shares.title),"
    " description = COALESCE(excluded.description, shares.description),"
    " site_name = COALESCE(excluded.site_name, shares.site_name)"
)


def put_share(db: Conn, share: ShareInput, item_id: str, draft: ItemDraft) -> None:
    """Insert or refresh one share with what its message's unfurl said; the first source and
    saver of a share are kept."""
    db.execute(SHARE_UPSERT, share_row(share, item_id, draft))


def items_at(db: Conn, team_id: str, channel: str, ts: str, source: str | None = None) -> set[str]:
    """Ids of the items shared by one message (optionally only those of one source)."""
    sql = "SELECT item_id FROM shares WHERE team_id = %s AND channel = %s AND ts = %s"
    args = [team_id, channel, ts]
    if source:
        sql += " AND source = %s"
        args.append(source)
    return {str(row[0]) for row in db.execute(sql, args)}


def replace_message(db: Conn, share: ShareInput, drafts: list[ItemDraft], now: float) -> list[str]:
    """Make a message's captured items exactly `drafts` (capture, edit, re-unfurl)."""
    ids = [upsert_item(db, share.team_id, d, share.ts, now) for d in drafts]
    before = items_at(db, share.team_id, share.channel, share.ts, share.source)
    for gone in before - set(ids):
        db.execute(
            "DELETE FROM shares WHERE item_id = %s AND channel = %s AND ts = %s AND source = %s",
            [gone, share.channel, share.ts, share.source],
        )
    for item_id, draft in zip(ids, drafts, strict=True):
        put_share(db, share, item_id, draft)
    db.execute(
        "UPDATE shares SET text = %s WHERE team_id = %s AND channel = %s AND ts = %s",
        [share.text, share.team_id, share.channel, share.ts],
    )
    refresh_items(
        db,
        share.team_id,
        before | set(ids) | items_at(db, share.team_id, share.channel, share.ts),
        now,
    )
    return ids


def share_note(db: Conn, team_id: str, user: str, item_id: str, now: float) -> set[str]:
    """The author shares their personal note with the team: the ids of the items it made."""
    row = db.execute(
        f'SELECT ts FROM shares WHERE item_id = %s AND team_id = %s AND "user" = %s AND {PERSONAL}',
        [item_id, team_id, user],
    ).fetchone()
    if row is None:
        return set()
    touched = items_at(db, team_id, "", row[0])
    db.execute(
        f'UPDATE shares SET is_private = 0 WHERE team_id = %s AND ts = %s AND "user" = %s'
        f" AND {PERSONAL}",
        [team_id, row[0], user],
    )
    refresh_items(db, team_id, touched, now)
    return touched


def move_message(
    db: Conn, team_id: str, channel: str, old_ts: str, new_ts: str, now: float
) -> None:
    """What one message shared now lives at another ts (a /til, once its card is posted)."""
    touched = items_at(db, team_id, channel, old_ts)
    db.execute(
        "UPDATE shares SET ts = %s WHERE team_id = %s AND channel = %s AND ts = %s",
        [new_ts, team_id, channel, old_ts],
    )
    refresh_items(db, team_id, touched, now)


def remove_message(db: Conn, team_id: str, channel: str, ts: str, now: float) -> set[str]:
    """Forget a deleted message: its shares, the reactions on it, and items left with no share."""
    touched = items_at(db, team_id, channel, ts)
    args = [team_id, channel, ts]
    # Remembered, so an import of an older export does not bring the message back.
    db.execute(
        "INSERT INTO removed_shares (team_id, channel, ts, item_key) VALUES (%s, %s, %s, '*')"
        " ON CONFLICT DO NOTHING",
        args,
    )
    db.execute("DELETE FROM shares WHERE team_id = %s AND channel = %s AND ts = %s", args)
    db.execute("DELETE FROM reactions WHERE team_id = %s AND channel = %s AND ts = %s", args)
    bookmarks.forget_message(db, team_id, channel, ts)
    refresh_items(db, team_id, touched, now)
    return touched


def save_learning(
    db: Conn, share: ShareInput, draft: ItemDraft, saver: str | None, now: float
) -> str:
    """Record a saved or /til learning; a saver other than the author votes for it."""
    item_id = upsert_item(db, share.team_id, draft, share.ts, now)
    put_share(db, share, item_id, draft)
    if saver and saver != share.user:
        db.execute(
            "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
            " VALUES (%s, %s, %s, 'save', %s, %s) ON CONFLICT DO NOTHING",
            [share.team_id, item_id, saver, int(share.is_private), now],
        )
    refresh_items(db, share.team_id, {item_id}, now)
    return item_id


def set_reaction(
    db: Conn,
    team_id: str,
    channel: str,
    ts: str,
    user: str,
    emoji: str,
    kind: ReactionKind,
    present: bool,
    now: float,
) -> set[str]:
    """Add or remove one reaction and re-derive the votes and flags of the message's items."""
    args = [team_id, channel, ts, user, emoji]
    touched = items_at(db, team_id, channel, ts)
    if present and not touched:
        return touched  # a reaction on nothing captured is not worth keeping
    if present:
        db.execute(
            'INSERT INTO reactions (team_id, channel, ts, "user", emoji, kind)'
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [*args, kind],
        )
    else:
        db.execute(
            "DELETE FROM reactions WHERE team_id = %s AND channel = %s AND ts = %s"
            ' AND "user" = %s AND emoji = %s',
            args,
        )
    refresh_items(db, team_id, touched, now)
    return touched


def refresh_items(db: Conn, team_id: str, item_ids: Iterable[str], now: float) -> None:
    """Bring items in line with their shares: first share, derived marks, or deletion."""
    for item_id in item_ids:
        drop_orphan_forwards(db, item_id)
        shares = db.execute(
            'SELECT channel, ts, "user", text, is_private, title, description, site_name'
            ' FROM shares WHERE item_id = %s ORDER BY at, ts COLLATE "C"',
            [item_id],
        ).fetchall()
        if not shares:
            delete_items(db, [item_id])
            continue
        set_face(db, team_id, item_id, shares, partial(search_index.readable_text, db, team_id))
        _sync_marks(db, team_id, item_id, shares, now)
        search_index.sync_item(db, team_id, item_id)


def drop_orphan_forwards(db: Conn, item_id: str) -> None:
    """A forward re-shares what an original shared: with no other share of the item left (the
    original deleted, marked `!nda`, forgotten), its forwards go too."""
    db.execute(
        "DELETE FROM shares WHERE item_id = %s AND source = 'forward' AND NOT EXISTS"
        " (SELECT 1 FROM shares o WHERE o.item_id = %s AND o.source <> 'forward')",
        [item_id, item_id],
    )


def _sync_marks(
    db: Conn, team_id: str, item_id: str, shares: list[tuple[Any, ...]], now: float
) -> None:
    """Votes and flags from reactions: one per voter and message, never by a sharer."""
    sharers = {str(s[2]) for s in shares if s[2]}
    wanted: dict[str, dict[tuple[str, str], int]] = {"votes": {}, "flags": {}}
    for channel, ts, _user, _text, private, *_ in shares:
        via = f"m:{channel}:{ts}"
        rows = db.execute(
            'SELECT "user", kind FROM reactions WHERE team_id = %s AND channel = %s AND ts = %s',
            [team_id, channel, ts],
        )
        for user, kind in rows:
            if user not in sharers:
                table = "flags" if kind == "flag" else "votes"
                wanted[table][(user, via)] = int(private)
    for table, who in (("votes", "voter"), ("flags", "flagger")):
        _apply_marks(db, table, who, team_id, item_id, wanted[table], sharers, now)


def _apply_marks(
    db: Conn,
    table: str,
    who: str,
    team_id: str,
    item_id: str,
    wanted: dict[tuple[str, str], int],
    sharers: set[str],
    now: float,
) -> None:
    # ILIKE: SQLite's LIKE ignores ASCII case, and the prefix is ASCII.
    current = {
        (row[0], row[1])
        for row in db.execute(
            f"SELECT {who}, via FROM {table} WHERE item_id = %s AND via ILIKE 'm:%%'", [item_id]
        )
    }
    for person, via in current - set(wanted):
        db.execute(
            f"DELETE FROM {table} WHERE item_id = %s AND {who} = %s AND via = %s",
            [item_id, person, via],
        )
    for (person, via), private in wanted.items():
        if (person, via) not in current:
            db.execute(
                f"INSERT INTO {table} (team_id, item_id, {who}, via, is_private, at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [team_id, item_id, person, via, private, now],
            )
    for person in sharers:
        db.execute(f"DELETE FROM {table} WHERE item_id = %s AND {who} = %s", [item_id, person])


def delete_items(db: Conn, item_ids: Iterable[str]) -> int:
    """Delete items with everything hanging off them."""
    count = 0
    for item_id in item_ids:
        forget_terms(db, item_id)
        search_index.drop_item(db, item_id)
        for table in ("votes", "flags", "shares", "fetch_queue", "url_aliases", "link_checks"):
            db.execute(f"DELETE FROM {table} WHERE item_id = %s", [item_id])
        gone = db.execute("DELETE FROM items WHERE id = %s RETURNING team_id", [item_id])
        for (team_id,) in gone.fetchall():
            team_items.count_items(db, str(team_id), -1)
            count += 1
    return count


def flag_message(db: Conn, team_id: str, channel: str, ts: str, flagger: str, now: float) -> bool:
    """A private flag (the shortcut) on every item a message shared; False if it shared none."""
    touched = items_at(db, team_id, channel, ts)
    for item_id in touched:
        db.execute(
            "INSERT INTO flags (team_id, item_id, flagger, via, is_private, at)"
            " SELECT %s, %s, %s, 'shortcut', is_private, %s FROM shares"
            " WHERE item_id = %s AND channel = %s AND ts = %s LIMIT 1"
            " ON CONFLICT DO NOTHING",
            [team_id, item_id, flagger, now, item_id, channel, ts],
        )
    refresh_items(db, team_id, touched, now)  # drops the flag again if the flagger shared it
    return bool(touched)
