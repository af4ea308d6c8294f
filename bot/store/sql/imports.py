"""SQL for `serendip import`: many messages per transaction, written set by set.

A batch writes items, shares and reactions only; the work the live path does per item (face,
topics, votes, search documents) is left for `bot.store.import_refresh`, which does it for
all items the import touched, in bulk. Items waiting for it are listed in `import_pending`,
so an interrupted import still brings them up to date when it is run again.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable
from typing import cast

from sqlite_utils import Database

from bot.models import ChannelInfo, ImportBatch, ItemDraft, UserInfo
from bot.store.sql import capture, interactions, team_items
from bot.store.sql.interactions import InteractionKind

# Ids keep the live format (creation milliseconds, then 8 hex digits) but count instead of
# drawing at random: a batch makes thousands of ids in one millisecond, where 32 random bits
# would collide now and then.
_SEQUENCE = itertools.count(secrets.randbelow(1 << 31))


def _new_id(ms: int) -> str:
    return f"{ms:011x}{next(_SEQUENCE) & 0xFFFFFFFF:08x}"


def add_people(
    db: Database, users: Iterable[UserInfo], channels: Iterable[ChannelInfo], now: float
) -> None:
    """Add the export's people and channels that the store does not know yet.

    What the bot learned live is newer than any export, so known rows are left alone, but for
    a missing channel name. People who opted out (or were forgotten) are not added back.
    """
    db.conn.executemany(
        "INSERT OR IGNORE INTO users (team_id, id, name, real_name, tz, is_admin, is_owner,"
        " is_bot, deleted, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
        " (SELECT 1 FROM person_settings WHERE team_id = ? AND user_id = ? AND opted_out = 1)",
        [
            (
                u.team_id,
                u.id,
                u.name,
                u.real_name,
                u.tz,
                int(u.is_admin),
                int(u.is_owner),
                int(u.is_bot),
                int(u.deleted),
                now,
                u.team_id,
                u.id,
            )
            for u in users
        ],
    )
    rows = [
        (c.team_id, c.id, c.name, int(c.is_private), int(c.is_archived), int(c.is_dm), now)
        for c in channels
    ]
    # The bot is not a member of a channel it only knows from an export: no channel digest.
    db.conn.executemany(
        "INSERT OR IGNORE INTO channels (team_id, id, name, is_private, is_archived, is_member,"
        " is_dm, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        rows,
    )
    db.conn.executemany(
        "UPDATE channels SET name = ? WHERE team_id = ? AND id = ? AND name IS NULL",
        [(name, team, cid) for team, cid, name, *_ in rows if name],
    )


def capture_settings(db: Database, team_id: str) -> dict[str, str | None]:
    """Each known channel's capture setting ("on", "off" or None for its kind's default)."""
    rows = db.execute("SELECT id, capture FROM channels WHERE team_id = ?", [team_id])
    return {str(cid): capture for cid, capture in rows}


def finished_files(db: Database, team_id: str) -> dict[str, str]:
    """Day files imported before: {path in the export: fingerprint}."""
    rows = db.execute("SELECT path, fingerprint FROM import_files WHERE team_id = ?", [team_id])
    return {str(path): str(fingerprint) for path, fingerprint in rows}


def pending_count(db: Database, team_id: str) -> int:
    """How many imported items wait for `import_refresh`."""
    row = db.execute("SELECT count(*) FROM import_pending WHERE team_id = ?", [team_id])
    return int(row.fetchone()[0])


def _leave_out_removed(db: Database, batch: ImportBatch) -> None:
    """Drop what was removed live (deleted, marked `!nda`, or removed by an admin) since the
    export was taken: an older export must not bring it back."""
    messages = {(share.channel, share.ts) for share, _ in batch.shares}
    removed: set[tuple[str, str, str]] = set()
    for channel, ts in messages:
        removed |= {
            (channel, ts, str(key))
            for (key,) in db.execute(
                "SELECT item_key FROM removed_shares WHERE team_id = ? AND channel = ? AND ts = ?",
                [batch.team_id, channel, ts],
            )
        }
    if not removed:
        return
    gone = {(c, t) for c, t, key in removed if key == "*"}
    batch.shares = [
        (share, draft)
        for share, draft in batch.shares
        if (share.channel, share.ts) not in gone
        and (share.channel, share.ts, draft.key) not in removed
    ]
    batch.reactions = [r for r in batch.reactions if (r[0], r[1]) not in gone]


def write_batch(db: Database, batch: ImportBatch, now: float) -> int:
    """Write one batch of messages; returns how many new items it made."""
    team_id = batch.team_id
    touched: set[str] = set()
    for channel, ts in batch.removed:
        touched |= capture.remove_message(db, team_id, channel, ts, now)
    _leave_out_removed(db, batch)
    drafts = {draft.key: (draft, share.ts) for share, draft in batch.shares}
    ids, made = _item_ids(db, team_id, drafts, now)
    db.conn.executemany(
        capture.SHARE_UPSERT,
        [capture.share_row(share, ids[draft.key], draft) for share, draft in batch.shares],
    )
    touched |= _replace_edited(db, batch, ids)
    db.conn.executemany(
        "INSERT OR IGNORE INTO reactions (team_id, channel, ts, user, emoji, kind)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(team_id, *reaction) for reaction in batch.reactions],
    )
    touched.update(ids.values())
    for channel, ts in {(r[0], r[1]) for r in batch.reactions}:
        # Every item of a reacted message takes the votes, a learning saved live included.
        touched |= capture.items_at(db, team_id, channel, ts)
    db.conn.executemany(
        "INSERT OR IGNORE INTO import_pending (item_id, team_id) VALUES (?, ?)",
        [(item_id, team_id) for item_id in touched],
    )
    _add_interactions(db, batch, now)
    db.conn.executemany(
        "INSERT OR REPLACE INTO import_files (team_id, path, fingerprint, messages, done_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(team_id, *file, now) for file in batch.files],
    )
    return made


def _add_interactions(db: Database, batch: ImportBatch, now: float) -> None:
    """The batch's interaction counts, but none of weeks already past the graph's retention."""
    oldest = interactions.oldest_kept_week(now)
    interactions.add_interactions(
        db,
        batch.team_id,
        [
            interactions.Interaction(week, scope, actor, target, cast(InteractionKind, kind))
            for week, scope, actor, target, kind in batch.interactions
            if week >= oldest
        ],
    )


def _item_ids(
    db: Database, team_id: str, drafts: dict[str, tuple[ItemDraft, str]], now: float
) -> tuple[dict[str, str], int]:
    """{key: item id} for every key, making the items that are new; and how many were."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS import_keys (key TEXT PRIMARY KEY)")
    db.execute("DELETE FROM import_keys")
    db.conn.executemany("INSERT INTO import_keys (key) VALUES (?)", [(k,) for k in drafts])
    # As upsert_item: the item of that key, else the item the key is an alias of.
    rows = db.execute(
        "SELECT k.key, COALESCE(i.id, a.item_id) FROM import_keys k"
        " LEFT JOIN items i ON i.team_id = ? AND i.key = k.key"
        " LEFT JOIN url_aliases a ON a.team_id = ? AND a.key = k.key",
        [team_id, team_id],
    )
    ids = {str(key): str(item_id) for key, item_id in rows if item_id is not None}
    ms = int(now * 1000)
    new = [(key, draft, ts) for key, (draft, ts) in drafts.items() if key not in ids]
    for key, _draft, _ts in new:
        ids[key] = _new_id(ms)
    db.conn.executemany(
        "INSERT INTO items (id, team_id, key, kind, url, title, text, description, site_name,"
        " created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (ids[key], team_id, key, d.kind, d.url, d.title, d.text, d.description, d.site_name, ts)
            for key, d, ts in new
        ],
    )
    team_items.count_items(db, team_id, len(new))
    return ids, len(new)


def _replace_edited(db: Database, batch: ImportBatch, ids: dict[str, str]) -> set[str]:
    """An edited message now shares exactly what its last version shares (as replace_message
    does live); returns the items it no longer shares."""
    if not batch.replaced:
        return set()
    team_id = batch.team_id
    now_shared: dict[tuple[str, str], set[str]] = {}
    texts: dict[tuple[str, str], str] = {}
    for share, draft in batch.shares:
        if share.source == "message":
            now_shared.setdefault((share.channel, share.ts), set()).add(ids[draft.key])
        texts[(share.channel, share.ts)] = share.text
    gone: set[str] = set()
    for channel, ts in batch.replaced:
        stale = capture.items_at(db, team_id, channel, ts, "message")
        stale -= now_shared.get((channel, ts), set())
        for item_id in stale:
            db.execute(
                "DELETE FROM shares WHERE item_id = ? AND channel = ? AND ts = ?"
                " AND source = 'message'",
                [item_id, channel, ts],
            )
        if (channel, ts) in texts:
            db.execute(
                "UPDATE shares SET text = ? WHERE team_id = ? AND channel = ? AND ts = ?",
                [texts[(channel, ts)], team_id, channel, ts],
            )
        gone |= stale
    return gone


def set_cache_size(db: Database, cache_mb: int) -> None:
    """This connection's page cache, in MB (SQLite counts negative sizes in KiB)."""
    db.execute(f"PRAGMA cache_size = -{int(cache_mb) * 1024}")
