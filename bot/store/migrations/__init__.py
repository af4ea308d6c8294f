"""Versioned schema migrations, tracked in `PRAGMA user_version`.

Append a new function to MIGRATIONS for every change (in `later.py`); never edit one that
has shipped. MIGRATIONS is the one ordered list for both backends: PostgreSQL runs, for each
step, the function of the same name in `bot/store/pg/schema.py` (see `bot.store.pg.migrate`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from bot.store.migrations import early, later

MIGRATIONS: list[Callable[[Database], None]] = [
    early.m1_initial,
    early.m2_link_metadata,
    early.m3_digests,
    early.m4_questions_and_search,
    early.m5_learning_pulse,
    early.m6_import,
    later.m7_digest_views,
    later.m8_bookmarks,
    later.m9_personal_notes_and_home_teams,
    later.m10_interactions,
    later.m11_welcomed,
    later.m12_one_item_per_thing,
    later.m13_question_loop,
    later.m14_workspace_address,
    later.m15_digest_fatigue,
    later.m16_fatigue_counts_from_upgrade,
    later.m17_inbox_partition_leases,
    later.m18_leader_and_shared_pace,
    later.m19_item_terms_created,
    later.m20_installations,
    later.m21_phrase_pairs,
    later.m22_votes_seen,
    later.m23_team_settings,
    later.m24_archive_by_workspace,
    later.m25_team_item_counts,
]


class SchemaMismatch(RuntimeError):
    """The database's schema is newer than this Serendip, or older and not to be migrated."""


def check_version(version: int, migrating: bool = True) -> None:
    """Raise SchemaMismatch when a database at `version` cannot be used as it is: newer than
    this Serendip, or (when not `migrating`) older."""
    if version > len(MIGRATIONS):
        raise SchemaMismatch(
            f"the database is at schema version {version}, newer than this Serendip "
            f"({len(MIGRATIONS)}); upgrade Serendip"
        )
    if version < len(MIGRATIONS) and not migrating:
        raise SchemaMismatch(
            f"the database is at schema version {version}, older than this Serendip "
            f"({len(MIGRATIONS)}); run `serendip migrate` first"
        )


def schema_version(db: Database) -> int:
    """The number of migrations applied to this database."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database) -> int:
    """Apply every pending migration, each in its own transaction; return the new version."""
    version = schema_version(db)
    check_version(version)
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
