"""Migrations 7 on: kept copies of digests, bookmarks, personal notes, the interaction graph,
Home's welcome, digest fatigue, the inbox's partitions and their leases, topic terms' times."""

from __future__ import annotations

from sqlite_utils import Database

from bot.envelopes import PARTS, part_of


def m7_digest_views(db: Database) -> None:
    """What each sent digest that names someone showed (its view, as JSON), so forget-me can
    post the same digest without that person (`chat.update`) instead of deleting it."""
    db.execute(
        "CREATE TABLE digest_views ("
        " team_id TEXT NOT NULL, channel TEXT NOT NULL, ts TEXT NOT NULL, view TEXT NOT NULL,"
        " PRIMARY KEY (team_id, channel, ts))"
    )


def m8_bookmarks(db: Database) -> None:
    """Bookmarks: a message one person saved for themselves (the bookmark reaction), private
    to them; the link is the message's permalink, fetched when it was saved."""
    db.execute(
        "CREATE TABLE bookmarks (team_id TEXT NOT NULL, user TEXT NOT NULL,"
        " channel TEXT NOT NULL, ts TEXT NOT NULL, author TEXT, text TEXT NOT NULL, link TEXT,"
        " at REAL NOT NULL, PRIMARY KEY (team_id, user, channel, ts))"
    )
    db.execute("CREATE INDEX bookmarks_message ON bookmarks (team_id, channel, ts)")
    db.execute("CREATE INDEX bookmarks_author ON bookmarks (team_id, author)")


def m9_personal_notes_and_home_teams(db: Database) -> None:
    """Old DM /tils become personal notes; people keep their own workspace (below)."""
    _dm_tils_are_personal_notes(db)
    # A person's own workspace and Enterprise Grid organisation (users.list, users.info,
    # user_change say them), so whether a reacting person is one of us is read, not asked.
    db.execute("ALTER TABLE users ADD COLUMN home_team TEXT")
    db.execute("ALTER TABLE users ADD COLUMN enterprise TEXT")


def _dm_tils_are_personal_notes(db: Database) -> None:
    """A /til sent in a direct message or group DM before it became a personal note was stored
    as a public share with no channel (or, before group DMs were recognised, a private share
    in the group DM's own channel, which nobody could see): both become what such a /til is
    now, a personal note (private, no channel) its author may share from Home. The
    personal-note code and this migration ship together, so no note was shared yet."""
    from bot.store.sql.capture import refresh_items  # the items' face, marks and search

    dm_channels = "SELECT id FROM channels WHERE channels.team_id = shares.team_id AND is_dm = 1"
    touched = db.execute(
        "SELECT DISTINCT team_id, item_id FROM shares WHERE source = 'til'"
        " AND ((channel = '' AND is_private = 0) OR channel LIKE 'D%'"
        f" OR channel IN ({dm_channels}))"
    ).fetchall()
    db.execute(
        "UPDATE shares SET is_private = 1 WHERE source = 'til' AND channel = '' AND is_private = 0"
    )
    db.execute(
        "UPDATE OR IGNORE shares SET channel = '', is_private = 1 WHERE source = 'til'"
        f" AND (channel LIKE 'D%' OR channel IN ({dm_channels}))"
    )
    # A migration has no clock: no vote or flag is new here (nobody could react to a DM /til),
    # so the newest share's time stands in for `now`.
    now = db.execute("SELECT coalesce(max(at), 0) FROM shares").fetchone()[0]
    for team_id, item_id in touched:
        refresh_items(db, team_id, [item_id], float(now))


def m10_interactions(db: Database) -> None:
    """The interaction graph.

    `interactions` counts who interacted with whom, per pair, kind and week, and nothing else
    (no text, emoji or message ids): `actor` reacted to, replied under or mentioned `target`.
    `week` is the Monday (UTC) of the week, as YYYY-MM-DD. `scope` is '' for public channels,
    or the id of a private channel with capture on, whose counts only its own digest may use.
    """
    db.execute(
        "CREATE TABLE interactions (team_id TEXT NOT NULL, week TEXT NOT NULL,"
        " scope TEXT NOT NULL, actor TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL,"
        " n INTEGER NOT NULL,"
        " PRIMARY KEY (team_id, actor, target, week, scope, kind)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX interactions_target ON interactions (team_id, target)")
    db.execute("CREATE INDEX interactions_week ON interactions (team_id, week)")


def m11_welcomed(db: Database) -> None:
    """When a person was first shown Home's welcome view (NULL: not yet). A column of their
    settings, so forget-me deletes it with them."""
    db.execute("ALTER TABLE person_settings ADD COLUMN welcomed_at REAL")


def m12_one_item_per_thing(db: Database) -> None:
    """One item per thing: link items whose hosts differ only by a leading `www.` become one
    (the oldest), and a learning that shared links is one item, not a learning and its links."""
    from bot.store.sql.merging import one_item_per_host, one_story_per_learning

    # A migration has no clock: the newest share's time stands in for `now` (as in m9).
    now = float(db.execute("SELECT coalesce(max(at), 0) FROM shares").fetchone()[0])
    one_item_per_host(db, now)
    one_story_per_learning(db, now)


def m13_question_loop(db: Database) -> None:
    """Closing the question loop: the best-answer note to edit when the best answer changes,
    the replies whose authors were thanked (once each), and what an expert said to a routed
    question ('claimed': I'll answer, 'declined': Not me)."""
    db.execute("ALTER TABLE questions ADD COLUMN note_ts TEXT")
    db.execute("ALTER TABLE replies ADD COLUMN thanked_at REAL")
    db.execute("ALTER TABLE routings ADD COLUMN response TEXT")


def m14_workspace_address(db: Database) -> None:
    """Each workspace's address (`https://acme.slack.com/`, auth.test's `url`), so a digest
    links a learning to its message and a question to its thread without asking Slack for a
    permalink per item."""
    db.execute("ALTER TABLE workspaces ADD COLUMN url TEXT")


def m15_digest_fatigue(db: Database) -> None:
    """Digest fatigue: when a person last chose their cadence themselves (their digests count
    towards fatigue only from then), and when Serendip moved them to monthly because they used
    none of their last digests (NULL: they were not moved; only a moved person goes back to
    weekly by pressing a digest button). Columns of their settings: forget-me deletes them."""
    db.execute("ALTER TABLE person_settings ADD COLUMN digest_set_at REAL")
    db.execute("ALTER TABLE person_settings ADD COLUMN digest_moved_at REAL")


def m16_fatigue_counts_from_upgrade(db: Database) -> None:
    """Digest fatigue counts the digests planned after this upgrade only: each workspace's
    newest digest at upgrade, at or before which the outbox is not read for fatigue (the history
    before, with nobody's choice time recorded, would move most people to monthly at once)."""
    db.execute("CREATE TABLE fatigue_start (team_id TEXT PRIMARY KEY, at REAL NOT NULL)")
    db.execute(
        "INSERT INTO fatigue_start (team_id, at) SELECT team_id, max(created_at) FROM outbox"
        " GROUP BY team_id"
    )


def m17_inbox_partition_leases(db: Database) -> None:
    """Several replicas on one database: each event's inbox partition (a stable hash of what
    orders it; pending events get theirs now), the pending events of a partition by position,
    one lease per partition (its owner, until when, and an epoch that grows with each new
    owner and fences the old one out), and the replicas alive (their last heartbeat)."""
    db.execute("ALTER TABLE inbox ADD COLUMN part INTEGER NOT NULL DEFAULT 0")
    pending = db.execute("SELECT seq, body FROM inbox WHERE done_at IS NULL").fetchall()
    for seq, body in pending:
        db.execute("UPDATE inbox SET part = ? WHERE seq = ?", [part_of(body or ""), seq])
    db.execute("CREATE INDEX inbox_part_pending ON inbox (part, seq) WHERE done_at IS NULL")
    db.execute(
        "CREATE TABLE inbox_leases (part INTEGER PRIMARY KEY, owner TEXT,"
        " expires_at REAL NOT NULL DEFAULT 0, epoch INTEGER NOT NULL DEFAULT 0)"
    )
    for part in range(PARTS):
        db.execute("INSERT INTO inbox_leases (part) VALUES (?)", [part])
    db.execute("CREATE TABLE replicas (id TEXT PRIMARY KEY, seen_at REAL NOT NULL)")


def m18_leader_and_shared_pace(db: Database) -> None:
    """Replicas (PostgreSQL): the one row naming the scheduler's leader, whose epoch, raised at
    every change of leader, fences a deposed leader's digest claims (`outbox.claim_epoch`); and
    the deployment's next free send slot per key, so the send rate holds across replicas. On
    SQLite the one process leads; the tables are there so both backends share one schema."""
    db.execute(
        "CREATE TABLE leadership (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL,"
        " epoch INTEGER NOT NULL, acquired_at REAL NOT NULL, renewed_at REAL NOT NULL)"
    )
    db.execute("CREATE TABLE send_pace (key TEXT PRIMARY KEY, next_at REAL NOT NULL)")
    db.execute("ALTER TABLE outbox ADD COLUMN claim_epoch INTEGER")


def m19_item_terms_created(db: Database) -> None:
    """Each topic term carries its item's first-share time (`created`: the timestamp as a
    number, 0 when it is not one), so PostgreSQL reads a topic's newest items from an index
    instead of sorting every item with the term. SQLite reads them in rowid order and needs no
    index; it keeps the column in step so both schemas stay one and copy-db carries it."""
    db.execute("ALTER TABLE item_terms ADD COLUMN created REAL NOT NULL DEFAULT 0")
    # PostgreSQL's '^[0-9]+([.][0-9]*)?$': a digit first, only digits and dots, at most one dot.
    number = (
        "CASE WHEN i.created_ts GLOB '[0-9]*' AND i.created_ts NOT GLOB '*[^0-9.]*'"
        " AND i.created_ts NOT GLOB '*.*.*' THEN CAST(i.created_ts AS REAL) ELSE 0 END"
    )
    db.execute(
        f"UPDATE item_terms SET created = coalesce((SELECT {number} FROM items i"
        " WHERE i.id = item_terms.item_id), 0)"
    )


def m20_installations(db: Database) -> None:
    """Installing by OAuth, in several workspaces: one bot installation per workspace (or
    organisation), its token, and the refresh token and expiry when tokens rotate; and the
    OAuth states handed out, each consumed once before it expires."""
    db.execute(
        "CREATE TABLE installations (enterprise_id TEXT NOT NULL DEFAULT '',"
        " team_id TEXT NOT NULL DEFAULT '', app_id TEXT, enterprise_name TEXT, team_name TEXT,"
        " is_enterprise_install INTEGER NOT NULL DEFAULT 0, bot_token TEXT NOT NULL,"
        " bot_id TEXT, bot_user_id TEXT, bot_scopes TEXT NOT NULL DEFAULT '',"
        " bot_refresh_token TEXT, bot_token_expires_at REAL, installer TEXT, token_type TEXT,"
        " installed_at REAL NOT NULL, PRIMARY KEY (enterprise_id, team_id))"
    )
    db.execute("CREATE TABLE oauth_states (state TEXT PRIMARY KEY, expires_at REAL NOT NULL)")


def m21_phrase_pairs(db: Database) -> None:
    """PostgreSQL only: each search document's adjacent word pairs, indexed, so a phrase is
    found from the index instead of checking every row with its words (FTS5 keeps positions in
    its index and needs nothing). Nothing changes on SQLite."""


def m22_votes_seen(db: Database) -> None:
    """PostgreSQL only: votes indexed with what counting them needs, so a search's candidates'
    votes are counted from the index alone. Nothing changes on SQLite."""


def m23_team_settings(db: Database) -> None:
    """Settings a workspace's admins changed in Home (digest day and hour, time zone, admins,
    channels, routing cap, individual stats): one row per workspace and setting, its value as
    the environment variable's text; a setting with no row takes the environment's value."""
    db.execute(
        "CREATE TABLE team_settings (team_id TEXT NOT NULL, name TEXT NOT NULL,"
        " value TEXT NOT NULL, changed_at REAL NOT NULL, PRIMARY KEY (team_id, name))"
    )


def m24_archive_by_workspace(db: Database) -> None:
    """The archive's candidates (well-voted documents of one workspace in a stretch of time)
    found from an index: a time range alone read every workspace's documents of that stretch
    (bench/digest.py --workspaces 50: 0.12 s per workspace of 200 people, 10 s in all)."""
    db.execute("CREATE INDEX search_docs_top_scope ON search_docs (scope) WHERE top = 1")


def m25_team_item_counts(db: Database) -> None:
    """Each workspace's item count, the number a word's or topic's rarity is measured against
    (it was the database's highest item rowid, so one workspace's size changed another's
    expert choice), and its search documents' span from an index."""
    db.execute("CREATE TABLE team_items (team_id TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    db.execute("INSERT INTO team_items SELECT team_id, count(*) FROM items GROUP BY team_id")
    db.execute("CREATE INDEX search_docs_team ON search_docs (team_id)")
