"""PostgreSQL migrations: MIGRATIONS' steps in order, once, however many replicas start at once.

The version lives in `serendip_schema` (one row). Migrating holds a session advisory lock for
the whole run, so a second replica starting at the same moment waits, then finds the schema
current and applies nothing. Each step commits with its new version in one transaction
(PostgreSQL's DDL is transactional): a step that fails leaves the version before it.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from bot.store.migrations import MIGRATIONS, SchemaMismatch, check_version
from bot.store.pg import schema

Conn = Connection[Any]
# Any constant does, as long as nothing else in the database uses it: "serendip" in ASCII.
LOCK_KEY = 0x73657265_6E646970 - 2**63


def schema_version(conn: Conn) -> int:
    """The number of migrations applied (0 for an empty database)."""
    row = conn.execute("SELECT to_regclass('serendip_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    row = conn.execute("SELECT version FROM serendip_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: Conn, migrating: bool = True) -> tuple[int, int]:
    """Apply every pending step under the advisory lock; (version before, version after).
    Not `migrating`: only check that the schema is current (SchemaMismatch if not)."""
    if not migrating:
        before = schema_version(conn)
        check_version(before, migrating=False)
        return before, before
    conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        before = schema_version(conn)
        check_version(before)
        for number, step in enumerate(MIGRATIONS[before:], start=before + 1):
            body = getattr(schema, step.__name__, None)
            if body is None:
                raise SchemaMismatch(f"migration {step.__name__} has no PostgreSQL body yet")
            with conn.transaction():
                if number == 1:
                    conn.execute("CREATE TABLE serendip_schema (version INTEGER NOT NULL)")
                    conn.execute("INSERT INTO serendip_schema (version) VALUES (0)")
                body(conn)
                conn.execute("UPDATE serendip_schema SET version = %s", [number])
        return before, len(MIGRATIONS)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
