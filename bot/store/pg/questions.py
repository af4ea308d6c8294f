"""PostgreSQL twins of `bot/store/sql/questions.py`: questions asked with /ask, their replies,
best answers and routing.

SQLite returns rows of equal sort key in table order (its rowid); PostgreSQL has no such order,
so ties break here on when the question was asked, then its id, as SQLite's insertion order
would. Slack timestamps sort bytewise (COLLATE "C"), as SQLite's BINARY does, whatever the
database's collation."""

from __future__ import annotations

import secrets
from typing import Any

from psycopg import Connection

from bot.models import ItemDraft, ShareInput
from bot.store.pg import capture
from bot.store.sql.questions import COLUMNS, Question, Reply, _question

Conn = Connection[Any]
# The class of the per-person routing locks (advisory locks of two int4 keys: the person's
# hash is the second, so they never meet the single-key locks of migrating or leading).
ROUTING_LOCK = 0x726F7574  # "rout"
REPLY_COLUMNS = 'channel, thread_ts, ts, "user", text, at'


def create(
    db: Conn, team_id: str, asker: str, anon: bool, text: str, channel: str, now: float
) -> str:
    """Keep a new question, waiting to be posted in `channel`."""
    question_id = f"q{int(now * 1000):011x}{secrets.token_hex(3)}"
    db.execute(
        "INSERT INTO questions (id, team_id, asker, anon, text, status, channel, asked_at)"
        " VALUES (%s, %s, %s, %s, %s, 'pending', %s, %s)",
        [question_id, team_id, asker, int(anon), text, channel, now],
    )
    return question_id


def get(db: Conn, question_id: str) -> Question | None:
    """One question by id."""
    return _question(
        db.execute(f"SELECT {COLUMNS} FROM questions WHERE id = %s", [question_id]).fetchone()
    )


def at_card(db: Conn, team_id: str, channel: str, ts: str) -> Question | None:
    """The question whose card is this message."""
    row = db.execute(
        f"SELECT {COLUMNS} FROM questions WHERE team_id = %s AND channel = %s AND ts = %s"
        " ORDER BY asked_at, id LIMIT 1",
        [team_id, channel, ts],
    ).fetchone()
    return _question(row)


def claim_post(db: Conn, question_id: str) -> bool:
    """True once for a pending question: the caller then posts it (a double click posts once)."""
    cursor = db.execute(
        "UPDATE questions SET status = 'posting' WHERE id = %s AND status = 'pending'",
        [question_id],
    )
    return cursor.rowcount == 1


def mark_posted(
    db: Conn,
    question_id: str,
    channel: str,
    ts: str,
    private: bool,
    now: float,
    permalink: str | None = None,
) -> None:
    """The card is in Slack: the question is open."""
    db.execute(
        "UPDATE questions SET status = 'open', channel = %s, ts = %s, is_private = %s,"
        " posted_at = %s, permalink = %s WHERE id = %s",
        [channel, ts, int(private), now, permalink, question_id],
    )


def mark_unposted(db: Conn, question_id: str) -> None:
    """The card could not be posted (or the asker dropped the question)."""
    db.execute("UPDATE questions SET status = 'unposted' WHERE id = %s", [question_id])


def add_reply(db: Conn, team_id: str, reply: Reply, now: float) -> Question | None:
    """Keep (or update) a reply in a question's thread; None when the thread is no question's."""
    question = at_card(db, team_id, reply.channel, reply.thread_ts)
    if question is None or question.status not in ("open", "answered"):
        return None
    db.execute(
        'INSERT INTO replies (team_id, channel, thread_ts, ts, "user", text, at)'
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (team_id, channel, ts)"
        " DO UPDATE SET text = excluded.text",
        [team_id, reply.channel, reply.thread_ts, reply.ts, reply.user, reply.text, reply.at],
    )
    if reply.user != question.asker and question.first_reply_at is None:
        db.execute(
            "UPDATE questions SET first_reply_at = %s WHERE id = %s", [reply.at, question.id]
        )
    if question.best_ts == reply.ts and question.best_text != reply.text:
        _set_best(db, question, reply, now)  # the best answer was edited
    return get(db, question.id)


def remove_reply(db: Conn, team_id: str, channel: str, ts: str) -> Question | None:
    """A reply was deleted; a deleted best answer is no longer the best answer."""
    row = db.execute(
        "SELECT thread_ts FROM replies WHERE team_id = %s AND channel = %s AND ts = %s",
        [team_id, channel, ts],
    ).fetchone()
    if row is None:
        return None
    db.execute(
        "DELETE FROM replies WHERE team_id = %s AND channel = %s AND ts = %s",
        [team_id, channel, ts],
    )
    question = at_card(db, team_id, channel, row[0])
    if question is not None and question.best_ts == ts:
        unmark_best(db, question.id)
    return question


def reply_at(db: Conn, team_id: str, channel: str, ts: str) -> Reply | None:
    """A stored reply by its message."""
    row = db.execute(
        f"SELECT {REPLY_COLUMNS} FROM replies WHERE team_id = %s AND channel = %s AND ts = %s",
        [team_id, channel, ts],
    ).fetchone()
    return Reply(*row) if row else None


def replies_of(db: Conn, question: Question) -> list[Reply]:
    """The replies to a question, oldest first (the asker's own left out)."""
    rows = db.execute(
        f"SELECT {REPLY_COLUMNS} FROM replies WHERE team_id = %s AND channel = %s"
        ' AND thread_ts = %s AND "user" <> %s ORDER BY at, ts COLLATE "C"',
        [question.team_id, question.channel, question.ts, question.asker],
    )
    return [Reply(*row) for row in rows]


def mark_best(db: Conn, question_id: str, reply: Reply, now: float) -> Question | None:
    """Make `reply` the best answer: the question is answered and becomes a searchable item."""
    question = get(db, question_id)
    if question is None or question.channel is None or question.ts is None:
        return None
    db.execute(
        "UPDATE questions SET status = 'answered', answered_at = COALESCE(answered_at, %s)"
        " WHERE id = %s",
        [now, question_id],
    )
    _set_best(db, question, reply, now)
    return get(db, question_id)


def _set_best(db: Conn, question: Question, reply: Reply, now: float) -> None:
    db.execute(
        "UPDATE questions SET best_ts = %s, best_user = %s, best_text = %s WHERE id = %s",
        [reply.ts, reply.user, reply.text, question.id],
    )
    share = ShareInput(
        team_id=question.team_id,
        channel=question.channel or "",
        ts=question.ts or "",
        user=None if question.anon else question.asker,
        text=question.text,
        is_private=question.is_private,
        source="ask",
    )
    draft = ItemDraft(kind="question", key=f"question:{question.id}", text=question.text)
    item_id = capture.upsert_item(db, question.team_id, draft, share.ts, now)
    db.execute("UPDATE questions SET item_id = %s WHERE id = %s", [item_id, question.id])
    capture.put_share(db, share, item_id, draft)
    capture.refresh_items(db, question.team_id, {item_id}, now)


def unmark_best(db: Conn, question_id: str) -> None:
    """The asker took the mark back (or the answer is gone): open again, and no longer an item."""
    question = get(db, question_id)
    if question is None:
        return
    db.execute(
        "UPDATE questions SET status = 'open', answered_at = NULL, best_ts = NULL,"
        " best_user = NULL, best_text = NULL, item_id = NULL WHERE id = %s",
        [question_id],
    )
    if question.item_id:
        capture.delete_items(db, [question.item_id])


def set_chooser(db: Conn, question_id: str, channel: str, ts: str) -> None:
    """Where the anonymous asker's private best-answer chooser was posted."""
    db.execute(
        "UPDATE questions SET chooser_channel = %s, chooser_ts = %s WHERE id = %s",
        [channel, ts, question_id],
    )


def routed_count(db: Conn, team_id: str, user_id: str, since: float) -> int:
    """How many questions were routed to a person since `since`."""
    row = db.execute(
        "SELECT count(*) FROM routings WHERE team_id = %s AND user_id = %s AND at >= %s",
        [team_id, user_id, since],
    ).fetchone()
    return int(row[0]) if row else 0


def routed_to(db: Conn, question_id: str) -> set[str]:
    """Everyone a question was routed to."""
    rows = db.execute("SELECT user_id FROM routings WHERE question_id = %s", [question_id])
    return {row[0] for row in rows}


def claim_routing(
    db: Conn,
    team_id: str,
    question_id: str,
    user_id: str,
    round_: int,
    at: float,
    cap: int,
    since: float,
    day_since: float | None = None,
) -> bool:
    """Count a routing to a person before the DM is sent, if they are under the cap (and, with
    `day_since`, got none since then). Replicas write at once: a lock on the person, held to
    the end of the writer's transaction, keeps two questions from both slipping under it."""
    db.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ROUTING_LOCK, f"{team_id}:{user_id}"]
    )
    if routed_count(db, team_id, user_id, since) >= cap:
        return False
    if day_since is not None and routed_count(db, team_id, user_id, day_since) > 0:
        return False
    cursor = db.execute(
        "INSERT INTO routings (team_id, question_id, user_id, round, at)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        [team_id, question_id, user_id, round_, at],
    )
    return cursor.rowcount == 1


def release_routing(db: Conn, question_id: str, user_id: str) -> None:
    """The DM could not be sent: it does not count."""
    db.execute(
        "DELETE FROM routings WHERE question_id = %s AND user_id = %s", [question_id, user_id]
    )


def claim_reroute(db: Conn, posted_before: float, now: float) -> list[Question]:
    """Open questions posted before `posted_before` with no reply and never re-routed; they are
    marked re-routed here, so each is routed once more at most."""
    rows = db.execute(
        f"SELECT {COLUMNS} FROM questions WHERE status = 'open' AND posted_at <= %s"
        " AND first_reply_at IS NULL AND rerouted_at IS NULL"
        " ORDER BY posted_at, asked_at, id LIMIT 100",
        [posted_before],
    ).fetchall()
    found = [q for q in map(_question, rows) if q is not None]
    for question in found:
        db.execute("UPDATE questions SET rerouted_at = %s WHERE id = %s", [now, question.id])
    return found


def open_questions(db: Conn, team_id: str, limit: int) -> list[Question]:
    """Open questions, newest first."""
    rows = db.execute(
        f"SELECT {COLUMNS} FROM questions WHERE team_id = %s AND status = 'open'"
        " ORDER BY posted_at DESC, asked_at DESC, id DESC LIMIT %s",
        [team_id, limit],
    )
    return [q for q in map(_question, rows) if q is not None]


def forget_person(db: Conn, team_id: str, user_id: str) -> list[tuple[str, str]]:
    """forget-me: a person's questions, replies and routings go; answers of theirs stop counting.
    Returns the cards (channel, ts) of others' questions that showed their best answer."""
    for (question_id,) in db.execute(
        "SELECT id FROM questions WHERE team_id = %s AND asker = %s ORDER BY asked_at, id",
        [team_id, user_id],
    ).fetchall():
        unmark_best(db, question_id)
        db.execute("DELETE FROM questions WHERE id = %s", [question_id])
        db.execute("DELETE FROM routings WHERE question_id = %s", [question_id])
    cards = []
    for question_id, channel, ts in db.execute(
        "SELECT id, channel, ts FROM questions WHERE team_id = %s AND best_user = %s"
        " ORDER BY asked_at, id",
        [team_id, user_id],
    ).fetchall():
        unmark_best(db, question_id)
        if channel and ts:
            cards.append((str(channel), str(ts)))
    db.execute('DELETE FROM replies WHERE team_id = %s AND "user" = %s', [team_id, user_id])
    db.execute("DELETE FROM routings WHERE team_id = %s AND user_id = %s", [team_id, user_id])
    return cards
