"""PostgreSQL connections: every failure is one line that never shows the password."""

from __future__ import annotations

from typing import Any

import psycopg

from bot.dburl import password_of, redact, where

CONNECT_TIMEOUT = 10  # seconds; an unreachable host fails at start-up, not never


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be used with this URL; the message is one line, without the secret."""


def reason(exc: BaseException, url: str, name: str = "SERENDIP_DB") -> str:
    """libpq's reason in one line, without the URL or its password."""
    text = " ".join(str(exc).split())
    text = text.replace(url, name).replace(redact(url), name)
    secret = password_of(url)
    if secret:
        text = text.replace(secret, "***")
    # 'connection failed: connection to server at "h", port 1 failed: FATAL: why': keep why.
    text = text.rsplit(" failed: ", 1)[-1]
    text = text.removeprefix("FATAL: ").split(" Is the server running")[0]
    return text or type(exc).__name__


def connect(url: str, name: str = "SERENDIP_DB", **options: Any) -> psycopg.Connection[Any]:
    """Open one autocommit connection, or raise PgUnavailable saying why in one line; `name`
    is where the URL came from (a setting or an option), for the message."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, **options)
        try:
            configure(conn)
        except BaseException:
            conn.close()
            raise
        return conn
    except psycopg.Error as exc:
        place = where(url)
        if place == "an invalid URL" or isinstance(exc, psycopg.ProgrammingError):
            line = f"{name} is not a valid PostgreSQL URL: {reason(exc, url, name)}"
        else:
            line = f"cannot connect to PostgreSQL at {place} ({name}): {reason(exc, url, name)}"
        raise PgUnavailable(line) from None


def configure(conn: psycopg.Connection[Any]) -> None:
    """What every connection of Serendip's sets (the pool's readers too).

    Plans are made for each query's own values: psycopg prepares a statement run five times,
    and PostgreSQL may then keep one generic plan for it. For search that plan is made blind
    to the words searched: after a few searches for common words it reads the whole index
    newest first, and a rare word took 20 times longer (bench/search.py --pg, 100,000 items).
    """
    conn.execute("SET plan_cache_mode = force_custom_plan")
