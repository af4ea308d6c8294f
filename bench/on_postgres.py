"""`--pg URL` for the benchmarks: the generated SQLite store, copied into PostgreSQL once.

The copy is `serendip copy-db` in a child process (its memory is not the benchmark's); a
database that already holds a finished copy is reused, as the generated SQLite file is, after
migrating it to this Serendip's schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from bot.dburl import redact
from bot.store.pg.copy_target import count, has_progress
from bot.store.pg.migrate import migrate, schema_version


def ensure_copied(db: Path, url: str) -> None:
    """Copy the SQLite store at `db` into the PostgreSQL database at `url`, unless a finished
    copy is there already (an unfinished one is resumed)."""
    with psycopg.connect(url, autocommit=True) as conn:
        if schema_version(conn) and not has_progress(conn) and count(conn, "items"):
            started = time.perf_counter()
            before, after = migrate(conn)  # a copy made by an older Serendip: as serve would
            moved = f", migrated {before} -> {after} in " if after > before else ""
            took = f"{time.perf_counter() - started:.1f} s" if moved else ""
            print(f"reusing the copy at {redact(url)} (copy-db skipped{moved}{took})")
            return
    started = time.perf_counter()
    env = dict(os.environ, SERENDIP_DB=str(db))
    subprocess.run([sys.executable, "-m", "bot", "copy-db", "--to", url], env=env, check=True)
    print(f"copy-db took {time.perf_counter() - started:.1f} s")


def describe(conn: Any) -> str:
    """The server's version and the database's size, for the figures' heading."""
    version = conn.execute("SHOW server_version").fetchone()[0]
    size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return f"PostgreSQL {version}, database {size / 1e9:.2f} GB"
