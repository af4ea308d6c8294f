"""Reading a SQLite database for `serendip copy-db`: its tables, in key order, a page at a time.

The source is opened read-only and read in one transaction, so every page and the counts the
copy is verified against come from the same snapshot. Each table is read in the order of a key
that names a row for good: its rowid, or for a table without one (`WITHOUT ROWID`) its primary
key; a copy that stopped resumes after the last key it wrote. SQLite's FTS5 indexes (the
virtual tables and their shadow tables) are not data: PostgreSQL keeps its own search index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

Row = tuple[Any, ...]


class SqliteSource:
    """One SQLite database, open read-only in one read transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(Path(path).resolve())
        self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        self._conn.execute("BEGIN")  # one snapshot for the pages and the counts
        self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def close(self) -> None:
        """End the read transaction and close the file."""
        self._conn.close()

    def version(self) -> int:
        """The number of migrations applied to the source."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def tables(self) -> list[str]:
        """The tables holding data: neither SQLite's own nor an FTS index and its shadows."""
        rows = self._conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
        return [
            name
            for name, _ in rows
            if not name.startswith("sqlite_")
            and name not in virtual
            and not any(name.startswith(f"{v}_") for v in virtual)
        ]

    def columns(self, table: str) -> list[str]:
        """The table's declared columns, in order."""
        return [row[1] for row in self._conn.execute(f"PRAGMA table_info({quoted(table)})")]

    def key(self, table: str) -> list[str]:
        """The columns a row is read and resumed by: rowid, or a WITHOUT ROWID primary key."""
        sql = self._conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()[0]
        if "WITHOUT ROWID" not in " ".join(sql.upper().split()):
            return ["rowid"]
        info = self._conn.execute(f"PRAGMA table_info({quoted(table)})").fetchall()
        return [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]

    def count(self, table: str) -> int:
        """How many rows the table holds (in this snapshot)."""
        return int(self._conn.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()[0])

    def pages(
        self, table: str, columns: Sequence[str], after: Sequence[Any] | None, size: int
    ) -> Iterator[tuple[list[Row], list[Any]]]:
        """The rows after key `after` (from the first if None), `size` at a time, in key
        order: each page's rows (the `columns` only) and the key of its last row."""
        key = self.key(table)
        width = len(key)
        names = ", ".join(quoted(c) for c in [*key, *columns])
        order = ", ".join(quoted(c) for c in key)
        cursor: list[Any] | None = list(after) if after is not None else None
        while True:
            where, params = "", []
            if cursor is not None:
                marks = ", ".join("?" for _ in key)
                where, params = f"WHERE ({order}) > ({marks})", cursor
            rows = self._conn.execute(
                f"SELECT {names} FROM {quoted(table)} {where} ORDER BY {order} LIMIT ?",
                [*params, size],
            ).fetchall()
            if not rows:
                return
            cursor = list(rows[-1][:width])
            yield [row[width:] for row in rows], cursor


def quoted(name: str) -> str:
    """A name as a quoted identifier (`user` and friends are words of SQL)."""
    return '"' + name.replace('"', '""') + '"'
