"""PostgreSQL twins of `bot/store/sql/imports.py`: `serendip import`, many messages per
transaction, written set by set (executemany runs pipelined, one round trip per set).

As on SQLite, a batch writes items, shares and reactions only and lists the items it touched in
`import_pending` for `import_refresh`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from psycopg import Connection

from bot.models import ChannelInfo, ImportBatch, ItemDraft, UserInfo
from bot.store.pg import capture as pg_capture
from bot.store.pg import interactions as pg_interactions
from bot.store.pg import team_items
from bot.store.sql import capture, interactions
from bot.store.sql.imports import _new_id
from bot.store.sql.interactions import InteractionKind

Conn = Connection[Any]

# capture.SHARE_UPSERT in PostgreSQL's words: the first source and saver of a share are kept.
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


def _many(db: Conn, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    rows = list(rows)
    if rows:
        with db.cursor() as cursor:
            cursor.executemany(sql, rows)


def add_people(
    db: Conn, users: Iterable[UserInfo], channels: Iterable[ChannelInfo], now: float
) -> None:
    """Add the export's people and channels that the store does not know yet; known rows are
    left alone but for a missing channel name, and people who opted out are not added back."""
    _many(
        db,
        "INSERT INTO users (team_id, id, name, real_name, tz, is_admin, is_owner, is_bot,"
        " deleted, updated_at) SELECT %s::text, %s::text, %s::text, %s::text, %s::text,"
        " %s::integer, %s::integer, %s::integer, %s::integer, %s::double precision"
        " WHERE NOT EXISTS (SELECT 1 FROM person_settings WHERE team_id = %s AND user_id = %s"
        " AND opted_out = 1) ON CONFLICT (team_id, id) DO NOTHING",
        [_user_row(u, now) for u in users],
    )
    rows = [
        (c.team_id, c.id, c.name, int(c.is_private), int(c.is_archived), int(c.is_dm), now)
        for c in channels
    ]
    # The bot is not a member of a channel it only knows from an export: no channel digest.
    _many(
        db,
        "INSERT INTO channels (team_id, id, name, is_private, is_archived, is_member, is_dm,"
        " updated_at) VALUES (%s, %s, %s, %s, %s, 0, %s, %s) ON CONFLICT (team_id, id) DO NOTHING",
        rows,
    )
    _many(
        db,
        "UPDATE channels SET name = %s WHERE team_id = %s AND id = %s AND name IS NULL",
        [(name, team, cid) for team, cid, name, *_ in rows if name],
    )


def _user_row(u: UserInfo, now: float) -> tuple[Any, ...]:
    flags = (int(u.is_admin), int(u.is_owner), int(u.is_bot), int(u.deleted))
    return (u.team_id, u.id, u.name, u.real_name, u.tz, *flags, now, u.team_id, u.id)


def capture_settings(db: Conn, team_id: str) -> dict[str, str | None]:
    """Each known channel's capture setting ("on", "off" or None for its kind's default)."""
    rows = db.execute("SELECT id, capture FROM channels WHERE team_id = %s", [team_id])
    return {str(cid): capture for cid, capture in rows.fetchall()}


def finished_files(db: Conn, team_id: str) -> dict[str, str]:
    """Day files imported before: {path in the export: fingerprint}."""
    rows = db.execute("SELECT path, fingerprint FROM import_files WHERE team_id = %s", [team_id])
    return {str(path): str(fingerprint) for path, fingerprint in rows.fetchall()}


def pending_count(db: Conn, team_id: str) -> int:
    """How many imported items wait for `import_refresh`."""
    row = db.execute("SELECT count(*) FROM import_pending WHERE team_id = %s", [team_id])
    return int((row.fetchone() or (0,))[0])


def _leave_out_removed(db: Conn, batch: ImportBatch) -> None:
    """Drop what was removed live (deleted, marked `!nda`, or removed by an admin) since the
    export was taken: an older export must not bring it back."""
    messages = sorted({(share.channel, share.ts) for share, _ in batch.shares})
    if not messages:
        return
    rows = db.execute(
        "SELECT r.channel, r.ts, r.item_key FROM removed_shares r"
        " JOIN unnest(%s::text[], %s::text[]) AS m (channel, ts)"
        " ON r.channel = m.channel AND r.ts = m.ts WHERE r.team_id = %s",
        [[c for c, _ in messages], [t for _, t in messages], batch.team_id],
    ).fetchall()
    removed = {(str(c), str(t), str(key)) for c, t, key in rows}
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


def write_batch(db: Conn, batch: ImportBatch, now: float) -> int:
    """Write one batch of messages; returns how many new items it made."""
    team_id = batch.team_id
    touched: set[str] = set()
    for channel, ts in batch.removed:
        touched |= pg_capture.remove_message(db, team_id, channel, ts, now)
    _leave_out_removed(db, batch)
    drafts = {draft.key: (draft, share.ts) for share, draft in batch.shares}
    ids, made = _item_ids(db, team_id, drafts, now)
    _many(
        db,
        SHARE_UPSERT,
        [capture.share_row(share, ids[draft.key], draft) for share, draft in batch.shares],
    )
    touched |= _replace_edited(db, batch, ids)
    _many(
        db,
        'INSERT INTO reactions (team_id, channel, ts, "user", emoji, kind)'
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        [(team_id, *reaction) for reaction in batch.reactions],
    )
    touched.update(ids.values())
    for channel, ts in {(r[0], r[1]) for r in batch.reactions}:
        # Every item of a reacted message takes the votes, a learning saved live included.
        touched |= pg_capture.items_at(db, team_id, channel, ts)
    _many(
        db,
        "INSERT INTO import_pending (item_id, team_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        [(item_id, team_id) for item_id in sorted(touched)],
    )
    _add_interactions(db, batch, now)
    _many(
        db,
        "INSERT INTO import_files (team_id, path, fingerprint, messages, done_at)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (team_id, path) DO UPDATE SET"
        " fingerprint = excluded.fingerprint, messages = excluded.messages,"
        " done_at = excluded.done_at",
        [(team_id, *file, now) for file in batch.files],
    )
    return made


def _add_interactions(db: Conn, batch: ImportBatch, now: float) -> None:
    """The batch's interaction counts, but none of weeks already past the graph's retention."""
    oldest = interactions.oldest_kept_week(now)
    pg_interactions.add_interactions(
        db,
        batch.team_id,
        [
            interactions.Interaction(week, scope, actor, target, cast(InteractionKind, kind))
            for week, scope, actor, target, kind in batch.interactions
            if week >= oldest
        ],
    )


def _item_ids(
    db: Conn, team_id: str, drafts: dict[str, tuple[ItemDraft, str]], now: float
) -> tuple[dict[str, str], int]:
    """{key: item id} for every key, making the items that are new; and how many were."""
    # As upsert_item: the item of that key, else the item the key is an alias of.
    rows = db.execute(
        "SELECT k.key, COALESCE(i.id, a.item_id) FROM unnest(%s::text[]) AS k (key)"
        " LEFT JOIN items i ON i.team_id = %s AND i.key = k.key"
        " LEFT JOIN url_aliases a ON a.team_id = %s AND a.key = k.key",
        [list(drafts), team_id, team_id],
    ).fetchall()
    ids = {str(key): str(item_id) for key, item_id in rows if item_id is not None}
    ms = int(now * 1000)
    new = [(key, draft, ts) for key, (draft, ts) in drafts.items() if key not in ids]
    for key, _draft, _ts in new:
        ids[key] = _new_id(ms)
    _many(
        db,
        "INSERT INTO items (id, team_id, key, kind, url, title, text, description, site_name,"
        " created_ts) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            (ids[key], team_id, key, d.kind, d.url, d.title, d.text, d.description, d.site_name, ts)
            for key, d, ts in new
        ],
    )
    team_items.count_items(db, team_id, len(new))
    return ids, len(new)


def _replace_edited(db: Conn, batch: ImportBatch, ids: dict[str, str]) -> set[str]:
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
        stale: set[str] = pg_capture.items_at(db, team_id, channel, ts, "message")
        stale -= now_shared.get((channel, ts), set())
        _many(
            db,
            "DELETE FROM shares WHERE item_id = %s AND channel = %s AND ts = %s"
            " AND source = 'message'",
            [(item_id, channel, ts) for item_id in sorted(stale)],
        )
        if (channel, ts) in texts:
            db.execute(
                "UPDATE shares SET text = %s WHERE team_id = %s AND channel = %s AND ts = %s",
                [texts[(channel, ts)], team_id, channel, ts],
            )
        gone |= stale
    return gone


def set_cache_size(db: Conn, cache_mb: int) -> None:
    """Nothing to do: PostgreSQL's cache is the server's (shared_buffers), not a connection's."""
