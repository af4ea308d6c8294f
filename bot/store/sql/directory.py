"""SQL for people, their settings, channels, the bot's posts and forgetting."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from bot.models import ANSWERED_CARD, BotPost, ChannelInfo, ForgetResult, UserInfo
from bot.store.sql import bookmarks, interactions, outbox, questions
from bot.store.sql.capture import refresh_items
from bot.store.sql.snapshot import channel_of_vote


def upsert_user(db: Database, user: UserInfo, now: float) -> None:
    """Insert or update what we know of a person."""
    db.execute(
        "INSERT INTO users (team_id, id, name, real_name, tz, is_admin, is_owner, is_bot, deleted,"
        " updated_at, home_team, enterprise) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (team_id, id) DO UPDATE SET"
        " home_team = COALESCE(excluded.home_team, home_team),"
        " enterprise = COALESCE(excluded.enterprise, enterprise),"
        " name = COALESCE(excluded.name, name),"
        " real_name = COALESCE(excluded.real_name, real_name),"
        " tz = COALESCE(excluded.tz, tz), is_admin = excluded.is_admin,"
        " is_owner = excluded.is_owner, is_bot = excluded.is_bot, deleted = excluded.deleted,"
        " updated_at = excluded.updated_at",
        [
            user.team_id,
            user.id,
            user.name,
            user.real_name,
            user.tz,
            int(user.is_admin),
            int(user.is_owner),
            int(user.is_bot),
            int(user.deleted),
            now,
            user.home_team,
            user.enterprise,
        ],
    )


def get_user(db: Database, team_id: str, user_id: str) -> UserInfo | None:
    """A stored person, or None."""
    row = db.execute(
        "SELECT name, real_name, tz, is_admin, is_owner, is_bot, deleted, home_team, enterprise"
        " FROM users WHERE team_id = ? AND id = ?",
        [team_id, user_id],
    ).fetchone()
    if row is None:
        return None
    name, real_name, tz, admin, owner, bot, deleted, home, grid = row
    return UserInfo(
        team_id,
        user_id,
        name,
        real_name,
        tz,
        bool(admin),
        bool(owner),
        bool(bot),
        bool(deleted),
        home,
        grid,
    )


PERSON_SETTINGS = ("opted_out", "digest", "routing")


def set_person_setting(db: Database, team_id: str, user_id: str, name: str, value: object) -> None:
    """Set one of a person's settings, keeping the others."""
    if name not in PERSON_SETTINGS:
        raise ValueError(f"unknown person setting: {name!r}")
    db.execute(
        f"INSERT INTO person_settings (team_id, user_id, {name}) VALUES (?, ?, ?)"
        f" ON CONFLICT (team_id, user_id) DO UPDATE SET {name} = excluded.{name}",
        [team_id, user_id, value],
    )


def set_opt_out(db: Database, team_id: str, user_id: str, opted_out: bool) -> None:
    """Record a person's opt-out (or opt back in)."""
    set_person_setting(db, team_id, user_id, "opted_out", int(opted_out))


def opted_out_users(db: Database, team_id: str) -> set[str]:
    """Everyone in the workspace who opted out."""
    rows = db.execute(
        "SELECT user_id FROM person_settings WHERE team_id = ? AND opted_out = 1", [team_id]
    )
    return {row[0] for row in rows}


def upsert_channel(db: Database, ch: ChannelInfo, now: float) -> None:
    """Insert or update a channel's facts, keeping the settings people chose for it."""
    db.execute(
        "INSERT INTO channels (team_id, id, name, is_private, is_archived, is_member, capture,"
        " is_dm, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO UPDATE"
        " SET name = COALESCE(excluded.name, name), is_private = excluded.is_private,"
        " is_archived = excluded.is_archived, is_member = excluded.is_member,"
        " is_dm = excluded.is_dm, updated_at = excluded.updated_at",
        [
            ch.team_id,
            ch.id,
            ch.name,
            int(ch.is_private),
            int(ch.is_archived),
            int(ch.is_member),
            ch.capture,
            int(ch.is_dm),
            now,
        ],
    )


def get_channel(db: Database, team_id: str, channel_id: str) -> ChannelInfo | None:
    """A stored channel, or None."""
    row = db.execute(
        "SELECT name, is_private, is_archived, is_member, capture, is_dm FROM channels"
        " WHERE team_id = ? AND id = ?",
        [team_id, channel_id],
    ).fetchone()
    if row is None:
        return None
    name, private, archived, member, capture, dm = row
    return ChannelInfo(
        team_id, channel_id, name, bool(private), bool(archived), bool(member), capture, bool(dm)
    )


def update_channel(db: Database, team_id: str, channel_id: str, now: float, **fields: Any) -> None:
    """Change some columns of a channel (name, archive, membership, capture, digest).

    A channel not seen before gets a nameless row that says private (unknown is private), so
    its facts are still asked of Slack; a name alone is no reason to remember a channel, since
    a named row counts as known.
    """
    allowed = {"name", "is_archived", "is_member", "capture", "is_private", "digest"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"unknown channel fields: {sorted(set(fields) - allowed)}")
    if "name" not in fields:
        db.execute(
            "INSERT OR IGNORE INTO channels (team_id, id, is_private, updated_at)"
            " VALUES (?, ?, 1, ?)",
            [team_id, channel_id, now],
        )
    assignments = ", ".join(f"{name} = ?" for name in fields)
    db.execute(
        f"UPDATE channels SET {assignments}, updated_at = ? WHERE team_id = ? AND id = ?",
        [*fields.values(), now, team_id, channel_id],
    )


def claim_join_note(db: Database, team_id: str, channel_id: str, now: float) -> bool:
    """True exactly once per channel: whoever gets True posts the join note."""
    cursor = db.execute(
        "UPDATE channels SET join_note_at = ? WHERE team_id = ? AND id = ?"
        " AND join_note_at IS NULL",
        [now, team_id, channel_id],
    )
    return cursor.rowcount == 1


def forget_person(db: Database, team_id: str, user_id: str, now: float) -> ForgetResult:
    """Delete everything stored about a person, keeping only their opt-out marker."""
    args = [team_id, user_id]
    touched = {
        r[0]
        for r in db.execute(
            "SELECT item_id FROM shares WHERE team_id = ? AND (user = ? OR saved_by = ?)",
            [team_id, user_id, user_id],
        )
    }
    touched |= {
        r[0] for r in db.execute("SELECT item_id FROM votes WHERE team_id = ? AND voter = ?", args)
    }
    # Items whose texts name them: refreshed once the name is gone, so no face, document or
    # index keeps it.
    touched |= {
        r[0]
        for r in db.execute(
            "SELECT item_id FROM shares WHERE team_id = ? AND instr(text, ?) > 0",
            [team_id, f"<@{user_id}"],
        )
    }
    shared = tuple(
        str(r[0])
        for r in db.execute(
            "SELECT DISTINCT item_id FROM shares WHERE team_id = ? AND user = ?", args
        )
    )
    shares = db.execute("DELETE FROM shares WHERE team_id = ? AND user = ?", args).rowcount
    db.execute("UPDATE shares SET saved_by = NULL WHERE team_id = ? AND saved_by = ?", args)
    db.execute("DELETE FROM reactions WHERE team_id = ? AND user = ?", args)
    cast = tuple(
        (str(item), float(at), channel_of_vote(via) if private else None)
        for item, at, via, private in db.execute(
            "SELECT item_id, at, via, is_private FROM votes WHERE team_id = ? AND voter = ?", args
        )
    )
    votes = db.execute("DELETE FROM votes WHERE team_id = ? AND voter = ?", args).rowcount
    flags = db.execute("DELETE FROM flags WHERE team_id = ? AND flagger = ?", args).rowcount
    before = db.execute("SELECT count(*) FROM items WHERE team_id = ?", [team_id]).fetchone()[0]
    db.execute("DELETE FROM users WHERE team_id = ? AND id = ?", args)  # before the refresh
    refresh_items(db, team_id, touched, now)
    answered = questions.forget_person(db, team_id, user_id)
    bookmarks.forget_person(db, team_id, user_id)
    interactions.forget_interactions(db, team_id, user_id)  # either side of a pair
    after = db.execute("SELECT count(*) FROM items WHERE team_id = ?", [team_id]).fetchone()[0]
    posts = [
        BotPost(team_id, ch, ts, credited, kind)
        for ch, ts, credited, kind in db.execute(
            "SELECT channel, ts, credited, kind FROM bot_posts WHERE team_id = ? AND credited = ?",
            args,
        )
    ]
    # Cards of others' questions show their best answer: updated without it, not deleted.
    posts += [BotPost(team_id, ch, ts, user_id, ANSWERED_CARD) for ch, ts in answered]
    posts += [
        BotPost(team_id, ch, ts, user_id, "digest", view)
        for ch, ts, view in outbox.posts_crediting(db, team_id, user_id)
    ]
    db.execute("DELETE FROM bot_posts WHERE team_id = ? AND credited = ?", args)
    db.execute("DELETE FROM person_settings WHERE team_id = ? AND user_id = ?", args)
    outbox.forget_recipient(db, team_id, user_id)
    set_opt_out(db, team_id, user_id, True)
    return ForgetResult(shares, votes, flags, before - after, posts, cast, shared)


def record_bot_post(db: Database, post: BotPost, now: float) -> None:
    """Remember a post of the bot's (for forget-me)."""
    db.execute(
        "INSERT OR REPLACE INTO bot_posts (team_id, channel, ts, credited, kind, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [post.team_id, post.channel, post.ts, post.credited, post.kind, now],
    )


def is_opted_out(db: Database, team_id: str, user_id: str) -> bool:
    """Whether one person opted out."""
    row = db.execute(
        "SELECT opted_out FROM person_settings WHERE team_id = ? AND user_id = ?",
        [team_id, user_id],
    ).fetchone()
    return bool(row and row[0])


def names_of(db: Database, team_id: str, user_ids: list[str]) -> dict[str, str]:
    """Display names of some people (display name, else real name), in chunks SQLite takes."""
    names: dict[str, str] = {}
    for start in range(0, len(user_ids), 400):
        chunk = user_ids[start : start + 400]
        marks = ", ".join("?" for _ in chunk)
        rows = db.execute(
            f"SELECT id, COALESCE(NULLIF(name, ''), real_name) FROM users"
            f" WHERE team_id = ? AND id IN ({marks})",
            [team_id, *chunk],
        )
        names.update({uid: str(name) for uid, name in rows if name})
    return names
