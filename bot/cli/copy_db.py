"""`serendip copy-db --to URL`: move a SQLite database into an empty PostgreSQL one."""

from __future__ import annotations

import sys
import time
from typing import TextIO

import psycopg

from bot.dburl import is_postgres_url, where
from bot.store.copying import copy_database
from bot.store.pg.connect import reason

PROGRESS_EVERY = 2.0  # seconds between progress lines


class Progress:
    """A line now and then on stderr: which table, how many rows so far."""

    def __init__(self, out: TextIO | None) -> None:
        self._out = out
        self._last = 0.0

    def __call__(self, table: str, copied: int) -> None:
        """Note a committed batch; say so if the last line is a while ago."""
        now = time.monotonic()
        if self._out is not None and now - self._last >= PROGRESS_EVERY:
            print(f"copying {table}: {copied} rows", file=self._out, flush=True)
            self._last = now


def copy_db(source: str, url: str, quiet: bool = False) -> str:
    """Copy the SQLite file `source` into PostgreSQL at `url`; the summary line. Raises
    ValueError (bad arguments) or RuntimeError (the copy stopped), each one line."""
    if not is_postgres_url(url):
        raise ValueError("--to must be a postgresql:// URL")
    if is_postgres_url(source):
        raise ValueError("copy-db copies from SQLite: set SERENDIP_DB to the SQLite file")
    try:
        return copy_database(source, url, report=Progress(None if quiet else sys.stderr))
    except KeyboardInterrupt:
        print("\nserendip: copy interrupted; run the same command to resume", file=sys.stderr)
        raise
    except psycopg.Error as exc:
        # The server went away or refused a statement mid-copy: what committed stays.
        raise RuntimeError(
            f"copy into PostgreSQL at {where(url)} stopped: {reason(exc, url, '--to')};"
            " run the same command to resume"
        ) from None
