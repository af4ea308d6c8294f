"""`serendip copy-db`: a SQLite database copied into an empty PostgreSQL one, resumably.

The order: the source must be at this Serendip's schema; the target is migrated to it (under
the migration lock) and must hold no data but that of an unfinished copy of the same source.
Then each table is copied in key order, a batch per transaction with its progress
(`bot/store/pg/copy_target.py`), so running the command again after a stop resumes. At the end
every table's count must equal the source's, identity columns start after the largest value
copied, and the progress table goes: only then may the database be served. SQLite's values are
loosely typed: each is converted to the type PostgreSQL declares, or the copy stops with a line
naming table, row and column. PostgreSQL's search index (a generated `tsvector` under GIN)
builds itself from the copied `search_docs`; SQLite's FTS5 tables are not copied.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import Connection

from bot.dburl import where
from bot.store.copy_source import Row, SqliteSource
from bot.store.migrations import MIGRATIONS, SchemaMismatch
from bot.store.pg import copy_target as target
from bot.store.pg.connect import connect
from bot.store.pg.migrate import migrate, schema_version

Conn = Connection[Any]
BATCH = 5000
# Called after each batch commits: the table, and how many of its rows are copied (all runs).
Report = Callable[[str, int], None]


class CopyError(RuntimeError):
    """The copy cannot go on; the message is one line saying why and never the password."""


def copy_database(
    source_path: str, url: str, batch: int = BATCH, report: Report | None = None
) -> str:
    """Copy the SQLite database at `source_path` into PostgreSQL at `url`; one line saying
    what was copied, once the counts match."""
    source = SqliteSource(source_path)
    try:
        conn = connect(url, name="--to")
        try:
            return _copy(source, conn, where(url), batch, report or (lambda _t, _n: None))
        finally:
            conn.close()
    finally:
        source.close()


def _copy(source: SqliteSource, conn: Conn, place: str, batch: int, report: Report) -> str:
    got = conn.execute("SELECT pg_try_advisory_lock(%s)", [target.COPY_LOCK]).fetchone()
    if not got or not got[0]:
        raise CopyError(f"another copy-db into PostgreSQL at {place} is running")
    try:
        _check_source(source)
        _prepare(source, conn, place)
        tables = target.data_tables(conn)
        _check_tables(source, tables)
        _, begun = target.progress(conn)
        total = 0
        for table in tables:
            after, done = begun.get(table, (None, False))
            if not done:
                _copy_table(source, conn, table, after, batch, report)
                target.mark_done(conn, table)
            total += _verify(source, conn, table)
        target.reset_identities(conn)
        target.finish(conn)
    finally:
        with contextlib.suppress(psycopg.Error):  # a lost connection has let go of it already
            conn.execute("SELECT pg_advisory_unlock(%s)", [target.COPY_LOCK])
    return (
        f"copied {total} rows in {len(tables)} tables from {source.path} to PostgreSQL at"
        f" {place}; every table's count matches"
    )


def _check_source(source: SqliteSource) -> None:
    version = source.version()
    if version > len(MIGRATIONS):
        raise CopyError(
            f"{source.path} is at schema version {version}, newer than this Serendip"
            f" ({len(MIGRATIONS)}); upgrade Serendip"
        )
    if version < len(MIGRATIONS):
        raise CopyError(
            f"{source.path} is at schema version {version}, older than this Serendip"
            f" ({len(MIGRATIONS)}); run `serendip migrate` on it first"
        )


def _prepare(source: SqliteSource, conn: Conn, place: str) -> None:
    """Migrate the target, and refuse it if it holds data not from this copy."""
    if schema_version(conn) == 0 and target.user_tables(conn):
        raise CopyError(
            f"PostgreSQL at {place} holds tables but is no Serendip database;"
            " copy-db copies into an empty database"
        )
    try:
        migrate(conn)
    except SchemaMismatch as exc:
        raise CopyError(f"PostgreSQL at {place}: {exc}") from None
    if target.has_progress(conn):
        began_from, _ = target.progress(conn)
        if began_from != source.path:
            raise CopyError(
                f"PostgreSQL at {place} holds an unfinished copy of {began_from};"
                " finish that one, or copy into an empty database"
            )
        return
    filled = target.first_filled(conn, target.data_tables(conn))
    if filled is not None:
        raise CopyError(
            f"PostgreSQL at {place} already holds data (table {filled});"
            " copy-db copies into an empty database"
        )
    target.start_progress(conn, source.path)


def _check_tables(source: SqliteSource, tables: Sequence[str]) -> None:
    ours = set(source.tables()) - set(target.DEPLOYMENT_STATE)
    if ours != set(tables):
        extra = sorted(ours - set(tables)) or sorted(set(tables) - ours)
        raise CopyError(f"the two schemas differ: table {extra[0]} is not in both")


def _copy_table(
    source: SqliteSource,
    conn: Conn,
    table: str,
    after: list[Any] | None,
    batch: int,
    report: Report,
) -> None:
    types = target.columns(conn, table)
    names = list(types)
    known = set(source.columns(table)) | ({"rowid"} if source.key(table) == ["rowid"] else set())
    missing = [name for name in names if name not in known]
    if missing:
        raise CopyError(f"the two schemas differ: {table}.{missing[0]} is not in the SQLite one")
    kinds = [types[name] for name in names]
    for rows, last in source.pages(table, names, after, batch):
        converted = [_row(table, names, kinds, row) for row in rows]
        report(table, target.write_batch(conn, table, names, converted, last))


def _row(table: str, names: Sequence[str], kinds: Sequence[str], row: Row) -> Row:
    try:
        return tuple(convert(value, kind) for value, kind in zip(row, kinds, strict=True))
    except ValueError:
        why = _culprit(names, kinds, row)
        raise CopyError(f"cannot copy {table} row {_key_of(names, row)}: {why}") from None


def _culprit(names: Sequence[str], kinds: Sequence[str], row: Row) -> str:
    """Which column of a row does not convert, and why, in a few words."""
    for name, kind, value in zip(names, kinds, row, strict=True):
        try:
            convert(value, kind)
        except ValueError as exc:
            return f"column {name} {exc}"
    return "a value does not convert"


def _key_of(names: Sequence[str], row: Row) -> str:
    """A row named by what identifies it to a person: its id, rowid or first columns."""
    for key in ("id", "rowid", "seq", "item_id"):
        if key in names:
            return f"{key}={row[names.index(key)]!r}"
    return ", ".join(f"{n}={v!r}" for n, v in list(zip(names, row, strict=True))[:3])


def convert(value: Any, kind: str) -> Any:
    """A SQLite value as the PostgreSQL type `kind` wants it; ValueError saying why not."""
    if value is None:
        return None
    if kind == "text":
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError("holds bytes that are not UTF-8 text") from None
        text = value if isinstance(value, str) else _number_text(value)
        if "\x00" in text:
            raise ValueError("holds a NUL character, which PostgreSQL text cannot")
        return text
    if kind in ("integer", "bigint", "smallint"):
        return _integer(value)
    if kind in ("double precision", "real", "numeric"):
        return _float(value)
    if kind == "boolean":
        return bool(_integer(value))
    raise ValueError(f"has the type {kind}, which copy-db does not know")


def _number_text(value: Any) -> str:
    # SQLite's TEXT columns keep numbers as text already; one given as a number reads as
    # SQLite would print it (an integral REAL as 1.0).
    return repr(value) if isinstance(value, float) else str(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(f"holds {_short(value)} where PostgreSQL wants an integer")


def _float(value: Any) -> float:
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
        else:
            if not math.isnan(number):
                return number
    raise ValueError(f"holds {_short(value)} where PostgreSQL wants a number")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _verify(source: SqliteSource, conn: Conn, table: str) -> int:
    """The table's count on both sides, which must agree."""
    theirs, ours = source.count(table), target.count(conn, table)
    if theirs != ours:
        raise CopyError(
            f"{table} has {theirs} rows in SQLite but {ours} in PostgreSQL after the copy;"
            " the target is left unfinished (was the bot writing to the SQLite file?)"
        )
    return ours
