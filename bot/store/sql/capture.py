"""SQL for items, shares, reactions, votes and flags (runs in the writer or a reader thread)."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from functools import partial

from sqlite_utils import Database

from bot.models import ItemDraft, ReactionKind, ShareInput
from bot.store.sql import bookmarks, search_index, team_items
from bot.store.sql.face import forget_terms, set_face


def new_item_id(now: float) -> str:
    """A short id that sorts by creation time (`now`) and never changes."""
    return f"{int(now * 1000):011x}{secrets.token_hex(4)}"


def user_names(db: Database, team_id: str) -> dict[str, str]:
    """Display names of the workspace's known people."""
    rows = db.execute("SELECT id, name FROM users WHERE team_id = ?", [team_id])
    return {uid: name for uid, name in rows if name}


def upsert_item(db: Database, team_id: str, draft: ItemDraft, ts: str, now: float) -> str:
    """The item for this key, created if new (its face is set by refresh_items)."""
    row = (
        db.execute(
            "SELECT id FROM items WHERE team_id = ? AND key = ?", [team_id, draft.key]
        ).fetchone()
        or db.execute(
            "SELECT item_id FROM url_aliases WHERE team_id = ? AND key = ?", [team_id, draft.key]
        ).fetchone()
    )  # a URL that turned out to be another item's page (redirect, canonical)
    if row:
        return str(row[0])
    item_id = new_item_id(now)
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, url, title, text, description, site_name,"
        " created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    "INSERT INTO shares (team_id, item_id, channel, ts, at, user, text, thread_ts, is_private,"
    " source, saved_by, title, description, site_name)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (item_id, channel, ts) DO UPDATE SET text = excluded.text,"
    " user = excluded.user, is_private = excluded.is_private,"
    " saved_by = COALESCE(shares.saved_by, excluded.saved_by),"
    " title = COALESCE(excluded.title, shares.title),"
    " description = COALESCE(excluded.description, shares.description),"
    " site_name = COALESCE(excluded.site_name, shares.site_name)"
)


def share_row(share: ShareInput, item_id: str, draft: ItemDraft) -> list[object]:
    """The parameters of SHARE_UPSERT for one share."""
    return [
        share.team_id,
        item_id,
        share.channel,
        share.ts,
        ts_seconds(share.ts),
        share.user,
        share.text,
        share.thread_ts,
        int(share.is_private),
        share.source,
        share.saved_by,
        draft.title,
        draft.description,
        draft.site_name,
    ]


def put_share(db: Database, share: ShareInput, item_id: str, draft: ItemDraft) -> None:
    """Insert or refresh one share with what its message's unfurl said; the first source and
    saver of a share are kept."""
    db.execute(SHARE_UPSERT, share_row(share, item_id, draft))


def ts_seconds(ts: str) -> float:
    """A Slack ts as Unix seconds (0 for garbage, which sorts it first rather than failing;
    'nan' and 'inf' are garbage too: no time is either)."""
    try:
        seconds = float(ts)
    except ValueError:
        return 0.0
    return seconds if math.isfinite(seconds) else 0.0


def items_at(
    db: Database, team_id: str, channel: str, ts: str, source: str | None = None
) -> set[str]:
    """Ids of the items shared by one message (optionally only those of one source)."""
    sql = "SELECT item_id FROM shares WHERE team_id = ? AND channel = ? AND ts = ?"
    args = [team_id, channel, ts]
    if source:
        sql += " AND source = ?"
        args.append(source)
    return {row[0] for row in db.execute(sql, args)}


def replace_message(
    db: Database, share: ShareInput, drafts: list[ItemDraft], now: float
) -> list[str]:
    """Make a message's captured items exactly `drafts` (capture, edit, re-unfurl)."""
    ids = [upsert_item(db, share.team_id, d, share.ts, now) for d in drafts]
    before = items_at(db, share.team_id, share.channel, share.ts, share.source)
    for gone in before - set(ids):
        db.execute(
            "DELETE FROM shares WHERE item_id = ? AND channel = ? AND ts = ? AND source = ?",
            [gone, share.channel, share.ts, share.source],
        )
    for item_id, draft in zip(ids, drafts, strict=True):
        put_share(db, share, item_id, draft)
    db.execute(
        "UPDATE shares SET text = ? WHERE team_id = ? AND channel = ? AND ts = ?",
        [share.text, share.team_id, share.channel, share.ts],
    )
    refresh_items(
        db,
        share.team_id,
        before | set(ids) | items_at(db, share.team_id, share.channel, share.ts),
        now,
    )
    return ids


# A personal note: a /til sent in a direct message and not shared yet (only its author sees it).
PERSONAL = "(is_private = 1 AND channel = '')"
PERSONAL_S = "(s.is_private = 1 AND s.channel = '')"


def share_note(db: Database, team_id: str, user: str, item_id: str, now: float) -> set[str]:
    """The author shares their personal note with the team: the ids of the items it made."""
    row = db.execute(
        f"SELECT ts FROM shares WHERE item_id = ? AND team_id = ? AND user = ? AND {PERSONAL}",
        [item_id, team_id, user],
    ).fetchone()
    if row is None:
        return set()
    touched = items_at(db, team_id, "", row[0])
    db.execute(
        f"UPDATE shares SET is_private = 0 WHERE team_id = ? AND ts = ? AND user = ?"
        f" AND {PERSONAL}",
        [team_id, row[0], user],
    )
    refresh_items(db, team_id, touched, now)
    return touched


def move_message(
    db: Database, team_id: str, channel: str, old_ts: str, new_ts: str, now: float
) -> None:
    """What one message shared now lives at another ts (a /til, once its card is posted)."""
    touched = items_at(db, team_id, channel, old_ts)
    db.execute(
        "UPDATE shares SET ts = ? WHERE team_id = ? AND channel = ? AND ts = ?",
        [new_ts, team_id, channel, old_ts],
    )
    refresh_items(db, team_id, touched, now)


def remove_message(db: Database, team_id: str, channel: str, ts: str, now: float) -> set[str]:
    """Forget a deleted message: its shares, the reactions on it, and items left with no share."""
    touched = items_at(db, team_id, channel, ts)
    args = [team_id, channel, ts]
    # Remembered, so an import of an older export does not bring the message back.
    db.execute(
        "INSERT OR IGNORE INTO removed_shares (team_id, channel, ts, item_key)"
        " VALUES (?, ?, ?, '*')",
        args,
    )
    db.execute("DELETE FROM shares WHERE team_id = ? AND channel = ? AND ts = ?", args)
    db.execute("DELETE FROM reactions WHERE team_id = ? AND channel = ? AND ts = ?", args)
    bookmarks.forget_message(db, team_id, channel, ts)
    refresh_items(db, team_id, touched, now)
    return touched


def save_learning(
    db: Database, share: ShareInput, draft: ItemDraft, saver: str | None, now: float
) -> str:
    """Record a saved or /til learning; a saver other than the author votes for it."""
    item_id = upsert_item(db, share.team_id, draft, share.ts, now)
    put_share(db, share, item_id, draft)
    if saver and saver != share.user:
        db.execute(
            "INSERT OR IGNORE INTO votes (team_id, item_id, voter, via, is_private, at)"
            " VALUES (?, ?, ?, 'save', ?, ?)",
            [share.team_id, item_id, saver, int(share.is_private), now],
        )
    refresh_items(db, share.team_id, {item_id}, now)
    return item_id


def set_reaction(
    db: Database,
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
            "INSERT OR IGNORE INTO reactions (team_id, channel, ts, user, emoji, kind)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [*args, kind],
        )
    else:
        db.execute(
            "DELETE FROM reactions WHERE team_id = ? AND channel = ? AND ts = ? AND user = ?"
            " AND emoji = ?",
            args,
        )
    refresh_items(db, team_id, touched, now)
    return touched


def refresh_items(db: Database, team_id: str, item_ids: Iterable[str], now: float) -> None:
    """Bring items in line with their shares: first share, derived marks, or deletion."""
    for item_id in item_ids:
        drop_orphan_forwards(db, item_id)
        shares = db.execute(
            "SELECT channel, ts, user, text, is_private, title, description, site_name"
            " FROM shares WHERE item_id = ? ORDER BY at, ts",
            [item_id],
        ).fetchall()
        if not shares:
            delete_items(db, [item_id])
            continue
        set_face(db, team_id, item_id, shares, partial(search_index.readable_text, db, team_id))
        _sync_marks(db, team_id, item_id, shares, now)
        search_index.sync_item(db, team_id, item_id)


def drop_orphan_forwards(db: Database, item_id: str) -> None:
    """A forward re-shares what an original shared: with no other share of the item left (the
    original deleted, marked `!nda`, forgotten), its forwards go too."""
    db.execute(
        "DELETE FROM shares WHERE item_id = ? AND source = 'forward' AND NOT EXISTS"
        " (SELECT 1 FROM shares o WHERE o.item_id = ? AND o.source != 'forward')",
        [item_id, item_id],
    )


def _sync_marks(
    db: Database, team_id: str, item_id: str, shares: list[tuple[object, ...]], now: float
) -> None:
    """Votes and flags from reactions: one per voter and message, never by a sharer."""
    sharers = {str(s[2]) for s in shares if s[2]}
    wanted: dict[str, dict[tuple[str, str], int]] = {"votes": {}, "flags": {}}
    for channel, ts, _user, _text, private, *_ in shares:
        via = f"m:{channel}:{ts}"
        rows = db.execute(
            "SELECT user, kind FROM reactions WHERE team_id = ? AND channel = ? AND ts = ?",
            [team_id, channel, ts],
        )
        for user, kind in rows:
            if user not in sharers:
                table = "flags" if kind == "flag" else "votes"
                wanted[table][(user, via)] = int(private)  # type: ignore[call-overload]
    for table, who in (("votes", "voter"), ("flags", "flagger")):
        _apply_marks(db, table, who, team_id, item_id, wanted[table], sharers, now)


def _apply_marks(
    db: Database,
    table: str,
    who: str,
    team_id: str,
    item_id: str,
    wanted: dict[tuple[str, str], int],
    sharers: set[str],
    now: float,
) -> None:
    current = {
        (row[0], row[1])
        for row in db.execute(
            f"SELECT {who}, via FROM {table} WHERE item_id = ? AND via LIKE 'm:%'", [item_id]
        )
    }
    for person, via in current - set(wanted):
        db.execute(
            f"DELETE FROM {table} WHERE item_id = ? AND {who} = ? AND via = ?",
            [item_id, person, via],
        )
    for (person, via), private in wanted.items():
        if (person, via) not in current:
            db.execute(
                f"INSERT INTO {table} (team_id, item_id, {who}, via, is_private, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [team_id, item_id, person, via, private, now],
            )
    for person in sharers:
        db.execute(f"DELETE FROM {table} WHERE item_id = ? AND {who} = ?", [item_id, person])


def delete_items(db: Database, item_ids: Iterable[str]) -> int:
    """Delete items with everything hanging off them."""
    count = 0
    for item_id in item_ids:
        forget_terms(db, item_id)
        search_index.drop_item(db, item_id)
        for table in ("votes", "flags", "shares", "fetch_queue", "url_aliases", "link_checks"):
            db.execute(f"DELETE FROM {table} WHERE item_id = ?", [item_id])
        gone = db.execute("DELETE FROM items WHERE id = ? RETURNING team_id", [item_id])
        for (team_id,) in gone.fetchall():
            team_items.count_items(db, str(team_id), -1)
            count += 1
    return count


def flag_message(
    db: Database, team_id: str, channel: str, ts: str, flagger: str, now: float
) -> bool:
    """A private flag (the shortcut) on every item a message shared; False if it shared none."""
    touched = items_at(db, team_id, channel, ts)
    for item_id in touched:
        db.execute(
            "INSERT OR IGNORE INTO flags (team_id, item_id, flagger, via, is_private, at)"
            " SELECT ?, ?, ?, 'shortcut', is_private, ? FROM shares"
            " WHERE item_id = ? AND channel = ? AND ts = ? LIMIT 1",
            [team_id, item_id, flagger, now, item_id, channel, ts],
        )
    refresh_items(db, team_id, touched, now)  # drops the flag again if the flagger shared it
    return bool(touched)
