"""The PostgreSQL end of `serendip copy-db`: the tables to fill, a batch at a time, and the
progress that lets a stopped copy resume.

`copy_progress` lives on the target only while a copy runs (it is no migration): one row per
table with the key of the last row written, and one row named `SOURCE` saying which SQLite file
the copy comes from. Each batch is written with COPY in the same transaction as its progress
row, so a copy stopped anywhere resumes after the last batch that committed, with no row twice.
The table goes once the counts are verified; while it is there the database is half-copied
and `serendip run` refuses it (`refuse_half_copied`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from psycopg import Connection, sql

Conn = Connection[Any]
SOURCE = ""  # the progress row naming the source; no table is called that
# Another advisory lock than migrating's: one copy-db at a time into a database.
COPY_LOCK = 0x636F7079_2D646221 - 2**63
OURS = ("serendip_schema", "copy_progress")
# The running deployment's state, not data: the inbox's partition leases, the replicas'
# heartbeats, the scheduler's leader and the send pace. The target's own migrations seed
# them (64 free leases); SQLite's one process never used them, so none is copied.
DEPLOYMENT_STATE = ("inbox_leases", "replicas", "leadership", "send_pace")


class HalfCopied(RuntimeError):
    """The database holds an unfinished copy-db; the message says how to finish it."""


def user_tables(conn: Conn) -> list[str]:
    """Every table of the public schema, Serendip's and any other."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [row[0] for row in rows]


def data_tables(conn: Conn) -> list[str]:
    """The tables a copy fills (all but the schema version, the progress and the deployment's
    state), each after the tables its foreign keys point to (shares after items)."""
    left = [name for name in user_tables(conn) if name not in OURS + DEPLOYMENT_STATE]
    refs = conn.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid <> confrelid"
    ).fetchall()
    needs = {name: {to for of, to in refs if of == name and to in left} for name in left}
    ordered: list[str] = []
    while left:
        ready = [name for name in left if needs[name] <= set(ordered)] or left[:1]
        ordered += ready
        left = [name for name in left if name not in ready]
    return ordered


def columns(conn: Conn, table: str) -> dict[str, str]:
    """{column: type} of the columns a copy writes (not generated ones such as `words`)."""
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER'"
        " ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return {name: kind for name, kind in rows}


def first_filled(conn: Conn, tables: Sequence[str]) -> str | None:
    """The first of `tables` that holds a row, if any."""
    for table in tables:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
        row = conn.execute(query).fetchone()
        if row and row[0]:
            return table
    return None


def count(conn: Conn, table: str) -> int:
    """How many rows the table holds."""
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
    return int(row[0]) if row else 0


def has_progress(conn: Conn) -> bool:
    """Whether a copy began here and has not finished."""
    row = conn.execute("SELECT to_regclass('copy_progress') IS NOT NULL").fetchone()
    return bool(row and row[0])


def start_progress(conn: Conn, source: str) -> None:
    """Make the progress table and note the source, before the first row is copied."""
    with conn.transaction():
        conn.execute(
            "CREATE TABLE copy_progress (name TEXT PRIMARY KEY, last_key TEXT,"
            " copied BIGINT NOT NULL DEFAULT 0, done BOOLEAN NOT NULL DEFAULT false)"
        )
        conn.execute("INSERT INTO copy_progress (name, last_key) VALUES (%s, %s)", [SOURCE, source])


def progress(conn: Conn) -> tuple[str, dict[str, tuple[list[Any] | None, bool]]]:
    """The source of the copy, and per table begun: (the last key written, whether done)."""
    rows = conn.execute("SELECT name, last_key, done FROM copy_progress").fetchall()
    source = next((key or "" for name, key, _ in rows if name == SOURCE), "")
    tables = {
        name: (json.loads(key) if key else None, bool(done))
        for name, key, done in rows
        if name != SOURCE
    }
    return source, tables


def write_batch(
    conn: Conn, table: str, names: Sequence[str], rows: Sequence[Sequence[Any]], last: list[Any]
) -> int:
    """Write rows with COPY and, in the same transaction, the key of the last; how many rows
    of the table are copied now, over every run."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    with conn.transaction():
        with conn.cursor().copy(statement) as copy:
            for values in rows:
                copy.write_row(values)
        row = conn.execute(
            "INSERT INTO copy_progress (name, last_key, copied) VALUES (%s, %s, %s)"
            " ON CONFLICT (name) DO UPDATE SET last_key = excluded.last_key,"
            " copied = copy_progress.copied + excluded.copied RETURNING copied",
            [table, json.dumps(last), len(rows)],
        ).fetchone()
    return int(row[0]) if row else len(rows)


def mark_done(conn: Conn, table: str) -> None:
    """Note that every row of the table is copied."""
    conn.execute(
        "INSERT INTO copy_progress (name, done) VALUES (%s, true)"
        " ON CONFLICT (name) DO UPDATE SET done = true",
        [table],
    )


def reset_identities(conn: Conn) -> None:
    """Start every identity column after the largest value copied, so new rows never collide."""
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND is_identity = 'YES'"
    ).fetchall()
    for table, column in rows:
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, {c}),"
                " coalesce(max({col}), 1), max({col}) IS NOT NULL) FROM {tbl}"
            ).format(
                t=sql.Literal(sql.Identifier(table).as_string(conn)),
                c=sql.Literal(column),
                col=sql.Identifier(column),
                tbl=sql.Identifier(table),
            )
        )


def finish(conn: Conn) -> None:
    """The copy is verified: vacuum and gather the planner's statistics, then let the database
    be served. A bulk load leaves no statistics until autovacuum comes by (plans made without
    them can be many times slower), and no visibility map: until a vacuum sets it, every read
    of an index alone visits the table too (search's first window took 5 ms, not 0.5, at a
    million documents)."""
    conn.execute("VACUUM (ANALYZE)")
    conn.execute("DROP TABLE copy_progress")


def refuse_half_copied(conn: Conn, where: str) -> None:
    """Raise HalfCopied when a copy-db into this database has not finished."""
    if has_progress(conn):
        raise HalfCopied(
            f"PostgreSQL at {where} holds a copy-db that has not finished;"
            " run the same serendip copy-db again to finish it"
        )
