"""A hand-built store for the learning figures, where every answer is known: people, channels,
shares, votes, questions, digests and knowledge gaps around one fixed moment, NOW."""

from __future__ import annotations

from sqlite_utils import Database

NOW = 1_790_000_000.0
DAY = 86400.0
H = 3600.0


def stats_rows(db: Database) -> None:
    """Every table the learning figures read, filled so that each figure is known (see
    tests/bot/test_stats.py for the answers)."""
    users = [("U1", "ana"), ("U2", "bo"), ("U3", "cy"), ("U4", "dee")]
    for uid, name in users:
        db.execute("INSERT INTO users (team_id, id, name) VALUES ('T1', ?, ?)", [uid, name])
    for cid, name, private in (("C1", "eng", 0), ("C2", "data", 0), ("G1", "leads", 1)):
        db.execute(
            "INSERT INTO channels (team_id, id, name, is_private) VALUES ('T1', ?, ?, ?)",
            [cid, name, private],
        )
    items = [("i1", "link"), ("i2", "learning"), ("i3", "link"), ("iq", "question")]
    for item_id, kind in items:
        db.execute(
            "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES (?, 'T1', ?, ?, '0')",
            [item_id, item_id, kind],
        )
    shares = [
        ("i1", "C1", NOW - DAY, "U1", 0),
        ("i1", "C2", NOW - 2 * DAY, "U2", 0),
        ("i2", "C1", NOW - 3 * DAY, "U2", 0),
        ("i3", "C1", NOW - 10 * DAY, "U3", 0),
        ("iq", "C1", NOW - DAY + 1, "U1", 0),
        ("i2", "G1", NOW - 3 * DAY, "U1", 1),
    ]
    for item_id, channel, at, user, private in shares:
        db.execute(
            "INSERT INTO shares (team_id, item_id, channel, ts, at, user, is_private, source)"
            " VALUES ('T1', ?, ?, ?, ?, ?, ?, 'message')",
            [item_id, channel, f"{at:.6f}", at, user, private],
        )
    votes = [
        ("i1", "U3", f"m:C1:{NOW - DAY:.6f}", NOW - DAY),
        ("i2", "U4", "button", NOW - DAY),
        ("i1", "U4", "button", NOW - DAY),
        ("i3", "U1", "button", NOW - 9 * DAY),
        ("i1", "U3", "button", NOW - DAY + 5),
    ]
    for item_id, voter, via, at in votes:
        db.execute(
            "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES ('T1', ?, ?, ?, ?)",
            [item_id, voter, via, at],
        )
    db.execute(
        "INSERT INTO reactions (team_id, channel, ts, user, emoji, kind) VALUES"
        " ('T1', 'C1', ?, 'U3', '+1', 'useful')",
        [f"{NOW - DAY:.6f}"],
    )
    _questions(db)
    _digests_and_gaps(db)
    _older_flow(db)


def _older_flow(db: Database) -> None:
    """Three weeks ago, outside both periods: cy (at home in #eng) found #data's item useful
    from her own digest. Only the 8-week charts see it."""
    db.execute(
        "INSERT INTO items (id, team_id, key, kind, created_ts) VALUES"
        " ('i7', 'T1', 'i7', 'link', '0')"
    )
    db.execute(
        "INSERT INTO shares (team_id, item_id, channel, ts, at, user, source) VALUES"
        " ('T1', 'i7', 'C2', '7.0', ?, 'U2', 'message')",
        [NOW - 20 * DAY],
    )
    db.execute(
        "INSERT INTO votes (team_id, item_id, voter, via, at) VALUES"
        " ('T1', 'i7', 'U3', 'd:D3:1.0', ?)",
        [NOW - 20 * DAY],
    )


def _questions(db: Database) -> None:
    rows = [
        ("q1", "U1", 0, NOW - 2 * DAY, NOW - 2 * DAY + 0.5 * H, NOW - 2 * DAY + H, "U2"),
        ("q2", "U3", 1, NOW - DAY, None, None, None),
        ("q3", "U4", 0, NOW - 12 * DAY, None, None, None),
        ("q4", "U1", 0, NOW - 3 * DAY, NOW - 3 * DAY + 1.5 * H, None, None),
    ]
    for qid, asker, anon, posted, first, best, best_user in rows:
        db.execute(
            "INSERT INTO questions (id, team_id, asker, anon, text, status, channel, ts, asked_at,"
            " posted_at, first_reply_at, answered_at, best_user) VALUES (?, 'T1', ?, ?, 'q?',"
            " ?, 'C1', ?, ?, ?, ?, ?, ?)",
            [
                qid,
                asker,
                anon,
                "answered" if best else "open",
                str(posted),
                posted,
                posted,
                first,
                best,
                best_user,
            ],
        )
    db.execute(
        "INSERT INTO replies (team_id, channel, thread_ts, ts, user, text, at) VALUES"
        " ('T1', 'C1', 'x', 'y', 'U2', 'answer', ?)",
        [NOW - 2 * DAY + 0.5 * H],
    )


def _digests_and_gaps(db: Database) -> None:
    for n, at in enumerate((NOW - DAY, NOW - 2 * DAY, NOW - 8 * DAY)):
        db.execute(
            "INSERT INTO outbox (team_id, recipient, kind, period_key, status, created_at,"
            " updated_at) VALUES ('T1', ?, 'personal', 'k', 'sent', ?, ?)",
            [f"U{n}", at, at],
        )
    db.execute(
        "INSERT INTO outbox (team_id, recipient, kind, period_key, status, created_at,"
        " updated_at) VALUES ('T1', 'U9', 'personal', 'k', 'failed', ?, ?)",
        [NOW - DAY, NOW - DAY],
    )
    for at in (NOW - DAY, NOW - DAY, NOW - 2 * DAY):
        db.execute(
            "INSERT INTO digest_clicks (team_id, user_id, action, at) VALUES"
            " ('T1', 'U1', 'digest_useful', ?)",
            [at],
        )
    for query, at in (
        ("kubernetes", NOW - DAY),
        ("kubernetes", NOW - 2 * DAY),
        ("vpn", NOW - DAY),
        ("old", NOW - 10 * DAY),
    ):
        db.execute(
            "INSERT INTO knowledge_gaps (team_id, query, at) VALUES ('T1', ?, ?)", [query, at]
        )


PUBLIC_LEARNING = "Pin your base images by digest"
SECOND_LEARNING = "Feature flags beat long-lived branches"
PRIVATE_LEARNING = "The reorg plan lands in March"
PUBLIC_QUESTION = "Who knows how to rotate the VPN certificate?"
PRIVATE_QUESTION = "Is the salary review moved?"
OPTED_OUT_QUESTION = "Where is the style guide?"
NOTE_LEARNING = "My own note about the budget"


def highlight_rows(db: Database) -> None:
    """What the pulse and the report may quote, beside what they never may: learnings and open
    questions of the current week in public #eng, private #leads, a personal note, and one from
    ana, who opted out."""
    learnings = [
        ("l1", PUBLIC_LEARNING, "C1", 0, "U2", ("U1", "U3")),
        ("l2", SECOND_LEARNING, "C2", 0, "U3", ("U4",)),
        ("l3", PRIVATE_LEARNING, "G1", 1, "U1", ("U2", "U3", "U4")),
        ("l4", NOTE_LEARNING, "", 1, "U4", ("U1", "U2", "U3")),
    ]
    for item_id, text, channel, private, user, voters in learnings:
        db.execute(
            "INSERT INTO items (id, team_id, key, kind, text, created_ts)"
            " VALUES (?, 'T1', ?, 'learning', ?, '0')",
            [item_id, item_id, text],
        )
        db.execute(
            "INSERT INTO shares (team_id, item_id, channel, ts, at, user, is_private, source)"
            " VALUES ('T1', ?, ?, ?, ?, ?, ?, 'message')",
            [item_id, channel, f"{item_id}.1", NOW - 2 * DAY, user, private],
        )
        for voter in voters:
            db.execute(
                "INSERT INTO votes (team_id, item_id, voter, via, at)"
                " VALUES ('T1', ?, ?, 'button', ?)",
                [item_id, voter, NOW - DAY],
            )
    questions = [
        ("h1", "U2", PUBLIC_QUESTION, "C1", 0),
        ("h2", "U3", PRIVATE_QUESTION, "G1", 1),
        ("h3", "U1", OPTED_OUT_QUESTION, "C1", 0),
    ]
    for qid, asker, text, channel, private in questions:
        db.execute(
            "INSERT INTO questions (id, team_id, asker, text, status, channel, ts, is_private,"
            " asked_at, posted_at, permalink) VALUES (?, 'T1', ?, ?, 'open', ?, ?, ?, ?, ?, ?)",
            [
                qid,
                asker,
                text,
                channel,
                qid,
                private,
                NOW - DAY,
                NOW - DAY,
                f"https://example.slack.com/archives/{channel}/p{qid}",
            ],
        )
    db.execute("INSERT INTO person_settings (team_id, user_id, opted_out) VALUES ('T1', 'U1', 1)")
