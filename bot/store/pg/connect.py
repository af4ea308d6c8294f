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
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, **options)
    except psycopg.Error as exc:
        place = where(url)
        if place == "an invalid URL" or isinstance(exc, psycopg.ProgrammingError):
            line = f"{name} is not a valid PostgreSQL URL: {reason(exc, url, name)}"
        else:
            line = f"cannot connect to PostgreSQL at {place} ({name}): {reason(exc, url, name)}"
        raise PgUnavailable(line) from None
