"""The first six migrations: the schema as Serendip first shipped it, and what the first
releases added to it (link metadata, digests, questions and search, the pulse, the import)."""

from __future__ import annotations

from sqlite_utils import Database

SCHEMA_1 = """
CREATE TABLE workspaces (
    team_id TEXT PRIMARY KEY, uninstalled_at REAL, uninstall_seq INTEGER
);
CREATE TABLE users (
    team_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT, real_name TEXT, tz TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0, is_owner INTEGER NOT NULL DEFAULT 0,
    is_bot INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    updated_at REAL, PRIMARY KEY (team_id, id)
);
CREATE TABLE person_settings (
    team_id TEXT NOT NULL, user_id TEXT NOT NULL,
    opted_out INTEGER NOT NULL DEFAULT 0, digest TEXT, routing TEXT,
    PRIMARY KEY (team_id, user_id)
);
CREATE TABLE channels (
    team_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT,
    is_private INTEGER NOT NULL DEFAULT 0, is_archived INTEGER NOT NULL DEFAULT 0,
    is_member INTEGER NOT NULL DEFAULT 0, is_dm INTEGER NOT NULL DEFAULT 0,
    capture TEXT, digest TEXT, join_note_at REAL,
    updated_at REAL, PRIMARY KEY (team_id, id)
);
CREATE TABLE items (
    id TEXT PRIMARY KEY, team_id TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
    url TEXT, title TEXT, text TEXT, description TEXT, site_name TEXT,
    created_ts TEXT NOT NULL, UNIQUE (team_id, key)
);
CREATE TABLE shares (
    team_id TEXT NOT NULL, item_id TEXT NOT NULL REFERENCES items(id), channel TEXT NOT NULL,
    ts TEXT NOT NULL, at REAL NOT NULL, user TEXT, text TEXT, thread_ts TEXT,
    is_private INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL, saved_by TEXT,
    title TEXT, description TEXT, site_name TEXT,
    PRIMARY KEY (item_id, channel, ts)
);
CREATE INDEX shares_message ON shares (team_id, channel, ts);
CREATE INDEX shares_user ON shares (team_id, user);
CREATE INDEX shares_item ON shares (item_id, at);
CREATE TABLE reactions (
    team_id TEXT NOT NULL, channel TEXT NOT NULL, ts TEXT NOT NULL, user TEXT NOT NULL,
    emoji TEXT NOT NULL, kind TEXT NOT NULL,
    PRIMARY KEY (team_id, channel, ts, user, emoji)
);
CREATE INDEX reactions_user ON reactions (team_id, user);
CREATE TABLE votes (
    team_id TEXT NOT NULL, item_id TEXT NOT NULL, voter TEXT NOT NULL, via TEXT NOT NULL,
    is_private INTEGER NOT NULL DEFAULT 0, at REAL NOT NULL,
    PRIMARY KEY (item_id, voter, via)
);
CREATE INDEX votes_voter ON votes (team_id, voter);
CREATE TABLE flags (
    team_id TEXT NOT NULL, item_id TEXT NOT NULL, flagger TEXT NOT NULL, via TEXT NOT NULL,
    is_private INTEGER NOT NULL DEFAULT 0, at REAL NOT NULL,
    PRIMARY KEY (item_id, flagger, via)
);
CREATE INDEX flags_flagger ON flags (team_id, flagger);
CREATE TABLE inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, team_id TEXT NOT NULL, event_id TEXT NOT NULL,
    body TEXT, received_at REAL NOT NULL, done_at REAL, error TEXT,
    UNIQUE (team_id, event_id)
);
CREATE INDEX inbox_pending ON inbox (done_at, seq);
CREATE TABLE bot_posts (
    team_id TEXT NOT NULL, channel TEXT NOT NULL, ts TEXT NOT NULL, credited TEXT,
    kind TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (team_id, channel, ts)
);
CREATE INDEX bot_posts_credited ON bot_posts (team_id, credited);
"""


def m1_initial(db: Database) -> None:
    for statement in SCHEMA_1.split(";"):
        if statement.strip():
            db.execute(statement)
    # External-content FTS5 over items, kept in sync by triggers.
    db.table("items").enable_fts(["title", "text"], create_triggers=True, tokenize="porter")


SCHEMA_2 = """
ALTER TABLE items ADD COLUMN topics TEXT;
ALTER TABLE items ADD COLUMN final_url TEXT;
ALTER TABLE items ADD COLUMN fetch_status TEXT;
ALTER TABLE items ADD COLUMN fetched_at REAL;
ALTER TABLE items ADD COLUMN fetch_error TEXT;
ALTER TABLE items ADD COLUMN fetched_title TEXT;
ALTER TABLE items ADD COLUMN fetched_description TEXT;
ALTER TABLE items ADD COLUMN fetched_site_name TEXT;
ALTER TABLE items ADD COLUMN dead INTEGER NOT NULL DEFAULT 0;
CREATE TABLE link_checks (
    item_id TEXT NOT NULL, day TEXT NOT NULL, outcome TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (item_id, day)
);
CREATE TABLE fetch_queue (
    item_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, url TEXT NOT NULL,
    due_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetch_queue_due ON fetch_queue (due_at);
CREATE TABLE url_aliases (
    team_id TEXT NOT NULL, key TEXT NOT NULL, item_id TEXT NOT NULL,
    PRIMARY KEY (team_id, key)
);
CREATE INDEX url_aliases_item ON url_aliases (item_id);
CREATE TABLE item_terms (
    team_id TEXT NOT NULL, item_id TEXT NOT NULL, term TEXT NOT NULL,
    PRIMARY KEY (item_id, term)
);
CREATE INDEX item_terms_term ON item_terms (team_id, term);
CREATE TABLE term_df (
    team_id TEXT NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
    PRIMARY KEY (team_id, term)
);
"""


def m2_link_metadata(db: Database) -> None:
    """Fetched page metadata, the fetch queue, URL aliases (merged items), topic terms, and
    link health checks."""
    for statement in SCHEMA_2.split(";"):
        if statement.strip():
            db.execute(statement)


SCHEMA_3 = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, team_id TEXT NOT NULL, recipient TEXT NOT NULL,
    kind TEXT NOT NULL, period_key TEXT NOT NULL, round INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL, channel TEXT, ts TEXT, error TEXT, payload TEXT, items TEXT,
    credited TEXT, claim TEXT, claimed_at REAL, expires_at REAL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL,
    UNIQUE (team_id, recipient, period_key, round)
);
CREATE INDEX outbox_status ON outbox (status, id);
CREATE INDEX outbox_created ON outbox (team_id, created_at);
CREATE INDEX outbox_recipient ON outbox (team_id, recipient, status);
CREATE TABLE digest_sent (
    team_id TEXT NOT NULL, recipient TEXT NOT NULL, item_id TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (team_id, recipient, item_id)
);
CREATE INDEX digest_sent_item ON digest_sent (item_id);
CREATE TABLE digest_credits (
    team_id TEXT NOT NULL, user_id TEXT NOT NULL, channel TEXT NOT NULL, ts TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id, channel, ts)
);
CREATE TABLE dm_channels (
    team_id TEXT NOT NULL, user_id TEXT NOT NULL, channel TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE TABLE activity (
    team_id TEXT NOT NULL, user_id TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE TABLE less_like (
    team_id TEXT NOT NULL, user_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (team_id, user_id, kind, value)
);
CREATE TABLE digest_clicks (
    team_id TEXT NOT NULL, user_id TEXT NOT NULL, item_id TEXT, action TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX digest_clicks_at ON digest_clicks (team_id, at);
CREATE INDEX votes_at ON votes (team_id, at);
CREATE INDEX shares_at ON shares (team_id, at);
"""


def m3_digests(db: Database) -> None:
    """The digest outbox, items sent per recipient, the people each digest post credits,
    learned DM channels, recent activity, "less like this" preferences and button clicks."""
    for statement in SCHEMA_3.split(";"):
        if statement.strip():
            db.execute(statement)


SCHEMA_4 = """
CREATE TABLE search_docs (
    rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL, team_id TEXT NOT NULL,
    scope TEXT NOT NULL, title TEXT, body TEXT, top INTEGER NOT NULL DEFAULT 0,
    UNIQUE (item_id, scope)
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, scope UNINDEXED, content='search_docs', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE search_top USING fts5(
    title, body, scope UNINDEXED, content='search_docs', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TABLE questions (
    id TEXT PRIMARY KEY, team_id TEXT NOT NULL, asker TEXT NOT NULL,
    anon INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL, status TEXT NOT NULL,
    channel TEXT, ts TEXT, is_private INTEGER NOT NULL DEFAULT 0,
    asked_at REAL NOT NULL, posted_at REAL, first_reply_at REAL, answered_at REAL,
    best_ts TEXT, best_user TEXT, best_text TEXT, item_id TEXT, rerouted_at REAL,
    chooser_channel TEXT, chooser_ts TEXT, permalink TEXT
);
CREATE INDEX questions_card ON questions (team_id, channel, ts);
CREATE INDEX questions_open ON questions (status, posted_at);
CREATE INDEX questions_asker ON questions (team_id, asker);
CREATE INDEX questions_item ON questions (item_id);
CREATE TABLE replies (
    team_id TEXT NOT NULL, channel TEXT NOT NULL, thread_ts TEXT NOT NULL, ts TEXT NOT NULL,
    user TEXT NOT NULL, text TEXT, at REAL NOT NULL, PRIMARY KEY (team_id, channel, ts)
);
CREATE INDEX replies_thread ON replies (team_id, channel, thread_ts);
CREATE INDEX replies_user ON replies (team_id, user);
CREATE TABLE routings (
    team_id TEXT NOT NULL, question_id TEXT NOT NULL, user_id TEXT NOT NULL,
    round INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (question_id, user_id)
);
CREATE INDEX routings_user ON routings (team_id, user_id, at);
CREATE TABLE knowledge_gaps (
    team_id TEXT NOT NULL, query TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX knowledge_gaps_at ON knowledge_gaps (team_id, at);
CREATE INDEX shares_saved_by ON shares (team_id, saved_by);
"""


def m4_questions_and_search(db: Database) -> None:
    """Questions, their replies and routings, knowledge gaps, and a search index with one
    document per item and visibility (public, or one private channel), replacing items_fts.
    The documents themselves are built when the store opens (see `search_index`)."""
    for old in (
        "TRIGGER IF EXISTS items_ai",
        "TRIGGER IF EXISTS items_ad",
        "TRIGGER IF EXISTS items_au",
        "TABLE IF EXISTS items_fts",
    ):
        db.execute(f"DROP {old}")
    for statement in SCHEMA_4.split(";"):
        if statement.strip():
            db.execute(statement)


def m5_learning_pulse(db: Database) -> None:
    """The weeks whose learning pulse was claimed or posted, one row per workspace and week, so
    a restart or a second tick never posts a week twice."""
    db.execute(
        "CREATE TABLE learning_pulse ("
        " team_id TEXT NOT NULL, week TEXT NOT NULL, channel TEXT NOT NULL,"
        " status TEXT NOT NULL, file_id TEXT, ts TEXT, at REAL NOT NULL,"
        " PRIMARY KEY (team_id, week))"
    )


SCHEMA_6 = """
CREATE TABLE import_files (
    team_id TEXT NOT NULL, path TEXT NOT NULL, fingerprint TEXT NOT NULL,
    messages INTEGER NOT NULL, done_at REAL NOT NULL, PRIMARY KEY (team_id, path)
);
CREATE TABLE import_pending (
    item_id TEXT PRIMARY KEY, team_id TEXT NOT NULL
);
CREATE TABLE removed_shares (
    team_id TEXT NOT NULL, channel TEXT NOT NULL, ts TEXT NOT NULL, item_key TEXT NOT NULL,
    PRIMARY KEY (team_id, channel, ts, item_key)
);
"""


def m6_import(db: Database) -> None:
    """`serendip import`: the day files of an export already imported (by path and
    fingerprint, so a resumed or repeated import skips them), the items it touched whose
    face, votes and search documents are still to be brought up to date, and what was removed
    live (a deleted or `!nda` message: item key `*`; an item an admin removed: its key), which
    an older export must not bring back."""
    for statement in SCHEMA_6.split(";"):
        if statement.strip():
            db.execute(statement)
