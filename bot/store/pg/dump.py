"""`serendip backup` on PostgreSQL: pg_dump makes the consistent copy, when it is installed.

The URL goes to pg_dump without its password, which travels in PGPASSWORD (the environment of
the child only), so it is never on a command line another user can list, nor in a message.
The dump is pg_dump's custom format, which `pg_restore` reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

from bot.dburl import password_of, where, without_password
from bot.store.pg.connect import reason

TIMEOUT = 24 * 3600  # seconds; a dump that hangs a day is stuck, not slow


class DumpFailed(RuntimeError):
    """pg_dump is missing or failed; the message is one line, without the password."""


def dump(url: str, target: Path) -> None:
    """Write a pg_dump of the database at `url` to `target` (which must not exist)."""
    program = shutil.which("pg_dump")
    if program is None:
        raise DumpFailed(
            "pg_dump is not on PATH: on PostgreSQL, back up with pg_dump (serendip backup"
            " runs it when installed, e.g. from the postgresql-client package)"
        )
    env = dict(os.environ)
    secret = password_of(url)
    if secret:
        env["PGPASSWORD"] = unquote(secret)  # a URL spells @ or / in it as %40 or %2F
    command = [program, "--format=custom", f"--file={target}", f"--dbname={without_password(url)}"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        target.unlink(missing_ok=True)
        raise DumpFailed(f"pg_dump of {where(url)} failed: {reason(exc, url)}") from None
    if done.returncode != 0:
        target.unlink(missing_ok=True)  # half a dump is no backup
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        why = reason(RuntimeError(lines[0] if lines else f"exit {done.returncode}"), url)
        raise DumpFailed(f"pg_dump of {where(url)} failed: {why.removeprefix('pg_dump: ')}")
