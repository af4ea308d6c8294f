"""SQL for digests: settings, activity, button votes, preferences and the outbox.

The outbox is in `outbox.py`.
"""

from __future__ import annotations

from typing import cast

from sqlite_utils import Database

from bot.digest_models import DigestSnapshot, Recipient
from bot.models import UserInfo
from bot.store.results import Cadence, LessKind, VoteResult
from bot.store.sql import archive, fatigue, search_index
from bot.store.sql.directory import is_opted_out, upsert_user
from bot.store.sql.snapshot import domain_of, load_snapshot

# Who may get a personal digest: in `active` mode, whoever was active since :since (shared,
# voted, or did anything `note_activity` notes: posted, reacted, replied, asked, answered, used
# a command or a button), and in either mode whoever asked for one (chose a cadence themselves).
# Fatigue moving someone to monthly keeps them asking if they had chosen before (their choice
# has a time then; `move_to_monthly` keeps one for a choice made before it was recorded).
RECIPIENTS = """
WITH active AS (
 SELECT user AS id FROM shares WHERE team_id = :team AND at >= :since AND user IS NOT NULL
   AND :active
 UNION SELECT voter FROM votes INDEXED BY votes_at WHERE team_id = :team AND at >= :since
   AND :active
 UNION SELECT user_id FROM activity WHERE team_id = :team AND at >= :since AND :active
 UNION SELECT user_id FROM person_settings WHERE team_id = :team
   AND digest IN ('weekly', 'daily', 'monthly')
   AND (digest_moved_at IS NULL OR digest_set_at IS NOT NULL)),
last AS (SELECT recipient, max(created_at) AS at FROM outbox WHERE team_id = :team
  AND created_at >= :since AND kind = 'person' AND status IN ('pending', 'sending', 'sent')
  GROUP BY recipient)
SELECT a.id, ps.digest, u.tz, dm.channel, EXISTS (SELECT 1 FROM outbox o
  WHERE o.team_id = :team AND o.recipient = a.id AND o.status = 'sent'),
 ps.digest_moved_at IS NULL OR ps.digest_set_at IS NOT NULL, last.at
FROM active a
LEFT JOIN last ON last.recipient = a.id
LEFT JOIN users u ON u.team_id = :team AND u.id = a.id
LEFT JOIN person_settings ps ON ps.team_id = :team AND ps.user_id = a.id
LEFT JOIN dm_channels dm ON dm.team_id = :team AND dm.user_id = a.id
WHERE COALESCE(ps.opted_out, 0) = 0 AND COALESCE(u.is_bot, 0) = 0 AND COALESCE(u.deleted, 0) = 0
"""


def recipients(db: Database, team_id: str, since: float, mode: str) -> dict[str, Recipient]:
    """Everyone who may get a personal digest (`SERENDIP_PERSONAL_DIGESTS`: `active` or
    `optin`), with their settings; those who turned it off are here with cadence 'off'.
    Someone fatigue moved to monthly who never chose a cadence is here while active; one who
    had chosen (or opted in) still asked."""
    rows = db.execute(RECIPIENTS, {"team": team_id, "since": since, "active": mode != "optin"})
    return {
        uid: Recipient(
            uid,
            cadence or "weekly",
            tz,
            dm,
            bool(had),
            cadence in ("weekly", "daily", "monthly") and bool(chose),
            last,
        )
        for uid, cadence, tz, dm, had, chose, last in rows
    }


def digest_snapshot(
    db: Database,
    team_id: str,
    since: float,
    until: float,
    active_since: float,
    full: bool,
    mode: str,
    ties: bool = True,
) -> DigestSnapshot:
    """The snapshot of one digest run, its people chosen as `SERENDIP_PERSONAL_DIGESTS` says
    (without `ties`, no networks: see `load_snapshot`)."""
    snap = load_snapshot(db, team_id, since, until, active_since, full, ties)
    snap.people = recipients(db, team_id, active_since, mode)
    if full:  # one query each for the whole workspace, never one per person
        snap.fatigued = fatigue.tired(db, team_id, until)
        snap.archive = archive.archive_items(db, team_id, until)
        snap.archive_sent = archive.archive_sent(db, team_id, list(snap.archive))
    return snap


def note_activity(db: Database, team_id: str, user_id: str, at: float) -> None:
    """A person used a command or a button: they count as active for digests."""
    db.execute(
        "INSERT INTO activity (team_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT"
        " (team_id, user_id) DO UPDATE SET at = max(at, excluded.at)",
        [team_id, user_id, at],
    )


def set_cadence(db: Database, team_id: str, user_id: str, cadence: Cadence, at: float) -> None:
    """A person's digest cadence, chosen by them: weekly, daily, monthly or off (their chosen
    monthly stays monthly whatever they press; their digests count towards fatigue from now)."""
    db.execute(
        "INSERT INTO person_settings (team_id, user_id, digest, digest_set_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (team_id, user_id) DO UPDATE SET digest = excluded.digest,"
        " digest_set_at = excluded.digest_set_at, digest_moved_at = NULL",
        [team_id, user_id, cadence, at],
    )


def cadence(db: Database, team_id: str, user_id: str) -> Cadence:
    """A person's digest cadence (weekly unless they chose otherwise)."""
    row = db.execute(
        "SELECT digest FROM person_settings WHERE team_id = ? AND user_id = ?", [team_id, user_id]
    ).fetchone()
    return cast(Cadence, row[0]) if row and row[0] else "weekly"


def button_vote(
    db: Database, team_id: str, item_id: str, voter: str, where: str, at: float
) -> VoteResult:
    """The "Useful" button: 'voted', 'again' (already), 'own' (a sharer), 'gone' or
    'optedout' (nothing is recorded from a person who opted out)."""
    if is_opted_out(db, team_id, voter):
        return "optedout"
    shares = db.execute(
        "SELECT user, is_private FROM shares WHERE item_id = ? AND team_id = ?",
        [item_id, team_id],
    ).fetchall()
    if not shares:
        return "gone"
    if any(user == voter for user, _ in shares):
        return "own"
    if db.execute(
        "SELECT 1 FROM votes WHERE item_id = ? AND voter = ?", [item_id, voter]
    ).fetchone():
        return "again"
    # A vote given in a private channel's digest stays inside that channel, like a reaction
    # there, even on an item that was also shared publicly.
    channel = where.split(":")[1] if where.count(":") >= 2 else ""
    in_private = db.execute(
        "SELECT 1 FROM channels WHERE team_id = ? AND id = ? AND is_private = 1", [team_id, channel]
    ).fetchone()
    private = in_private is not None or all(is_private for _, is_private in shares)
    db.execute(
        "INSERT OR IGNORE INTO votes (team_id, item_id, voter, via, is_private, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [team_id, item_id, voter, where, int(private), at],
    )
    search_index.sync_item(db, team_id, item_id)  # a third voter puts it in the well-voted index
    return "voted"


def button_unvote(db: Database, team_id: str, item_id: str, voter: str) -> bool:
    """Take back a "Useful" press (a vote given with a digest button, `via` 'd:…'); a vote
    by reaction or by saving is the reaction's or the save's to take back. True when one went."""
    gone = db.execute(
        "DELETE FROM votes WHERE team_id = ? AND item_id = ? AND voter = ? AND via LIKE 'd:%'",
        [team_id, item_id, voter],
    ).rowcount
    if gone:
        search_index.sync_item(db, team_id, item_id)  # it may leave the well-voted index
    return bool(gone)


def less_like_targets(db: Database, team_id: str, item_id: str) -> tuple[str, str | None] | None:
    """(domain, first sharer) that "Less like this" may lower for an item; None when gone."""
    row = db.execute(
        "SELECT COALESCE(final_url, url) FROM items WHERE id = ? AND team_id = ?",
        [item_id, team_id],
    ).fetchone()
    if row is None:
        return None
    sharer = db.execute(
        "SELECT user FROM shares WHERE item_id = ? AND user IS NOT NULL ORDER BY is_private, at"
        " LIMIT 1",
        [item_id],
    ).fetchone()
    return domain_of(row[0]) or "", sharer[0] if sharer else None


def less_like(
    db: Database, team_id: str, user_id: str, item_id: str, kind: LessKind, at: float
) -> str | None:
    """ "Less like this" on the item's site or its first sharer, as the person chose: the
    value lowered, or None (item gone, nothing of that kind, or themselves)."""
    targets = less_like_targets(db, team_id, item_id)
    if targets is None:
        return None
    value = targets[0] if kind == "domain" else targets[1]
    if not value or value == user_id:
        return None
    db.execute(
        "INSERT OR REPLACE INTO less_like (team_id, user_id, kind, value, at)"
        " VALUES (?, ?, ?, ?, ?)",
        [team_id, user_id, kind, value, at],
    )
    return value


def less_liked(db: Database, team_id: str, user_id: str) -> list[tuple[str, str]]:
    """(kind, value) a person asked to see less of, newest first."""
    rows = db.execute(
        "SELECT kind, value FROM less_like WHERE team_id = ? AND user_id = ?"
        " ORDER BY at DESC, kind, value",
        [team_id, user_id],
    )
    return [(str(kind), str(value)) for kind, value in rows]


def undo_less_like(db: Database, team_id: str, user_id: str, kind: str, value: str) -> bool:
    """Take back one "Less like this"; True when there was one."""
    return (
        db.execute(
            "DELETE FROM less_like WHERE team_id = ? AND user_id = ? AND kind = ? AND value = ?",
            [team_id, user_id, kind, value],
        ).rowcount
        > 0
    )


def record_click(
    db: Database, team_id: str, user_id: str, item_id: str | None, action: str, at: float
) -> None:
    """Count a digest button press (for the learning figures); someone fatigue moved to
    monthly uses their digest again, so it is weekly again, unless the press only opened
    "Digest settings": those show their cadence and let them choose it themselves."""
    db.execute(
        "INSERT INTO digest_clicks (team_id, user_id, item_id, action, at) VALUES (?, ?, ?, ?, ?)",
        [team_id, user_id, item_id, action, at],
    )
    if action != fatigue.SETTINGS_CLICK:
        fatigue.back_to_weekly(db, team_id, user_id)


def learn_dm(db: Database, team_id: str, user_id: str, channel: str) -> None:
    """Keep the id of the bot's DM with a person (history must be read by it)."""
    db.execute(
        "INSERT OR REPLACE INTO dm_channels (team_id, user_id, channel) VALUES (?, ?, ?)",
        [team_id, user_id, channel],
    )


def dm_channel(db: Database, team_id: str, user_id: str) -> str | None:
    """The learned DM channel id of a person, if any."""
    row = db.execute(
        "SELECT channel FROM dm_channels WHERE team_id = ? AND user_id = ?", [team_id, user_id]
    ).fetchone()
    return str(row[0]) if row else None


def channel_by_name(db: Database, name: str, team_id: str | None) -> str | None:
    """A channel id by name, in one workspace or (None) the first of those sharing the name."""
    where, args = (" AND team_id = ?", [name, team_id]) if team_id else ("", [name])
    found = db.execute(
        f"SELECT id FROM channels WHERE name = ?{where} ORDER BY team_id LIMIT 1", args
    ).fetchone()
    return str(found[0]) if found else None


def save_users(db: Database, users: list[UserInfo], now: float) -> int:
    """Insert or update many people at once (users.list), skipping those who opted out."""
    saved = 0
    for user in users:
        if not is_opted_out(db, user.team_id, user.id):
            upsert_user(db, user, now)
            saved += 1
    return saved


def delete_views_older_than(db: Database, cutoff: float) -> int:
    """Retention: the kept views of digests posted before `cutoff` (Unix seconds, the post's
    ts). Their credits stay: forget-me still finds such a digest, and reads it back from Slack
    as it does one sent before views were kept, rather than leave a name in Slack."""
    return int(db.execute("DELETE FROM digest_views WHERE CAST(ts AS REAL) < ?", [cutoff]).rowcount)
