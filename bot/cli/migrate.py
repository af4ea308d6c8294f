"""`serendip migrate`: bring the database's schema up to this Serendip, SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from bot.dburl import is_postgres_url, where


def migrate_database(db: str) -> str:
    """Apply every pending migration; one line saying what changed."""
    if is_postgres_url(db):
        from bot.store.pg.connect import connect
        from bot.store.pg.migrate import migrate as migrate_pg

        conn = connect(db)
        try:
            before, after = migrate_pg(conn)  # under the advisory lock: replicas wait
        finally:
            conn.close()
        name = f"PostgreSQL at {where(db)}"
    else:
        from bot.store.migrations import migrate, schema_version
        from bot.store.store import connect as connect_sqlite

        Path(db).parent.mkdir(parents=True, exist_ok=True)
        sqlite = connect_sqlite(db)
        try:
            before = schema_version(sqlite)
            after = migrate(sqlite)
        finally:
            sqlite.close()
        name = db
    if before == after:
        return f"{name} is at schema version {after}, already current"
    return f"migrated {name} from schema version {before} to {after}"
