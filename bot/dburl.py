"""SERENDIP_DB: a SQLite file path, or a postgresql:// URL whose password is never shown."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_PASSWORD = re.compile(r"(://[^/@:]*:)([^@/]*)@")


def is_postgres_url(value: str) -> bool:
    """Whether a SERENDIP_DB value names PostgreSQL rather than a SQLite file."""
    return value.startswith(("postgresql://", "postgres://"))


def redact(value: str) -> str:
    """The value with a URL's password replaced by ***; a file path as it is."""
    return _PASSWORD.sub(r"\1***@", value) if is_postgres_url(value) else value


def without_password(url: str) -> str:
    """The URL with its password taken out (the user stays), for a tool given the password
    another way."""
    return _PASSWORD.sub(lambda m: m.group(1)[:-1] + "@", url) if is_postgres_url(url) else url


def password_of(value: str) -> str | None:
    """The password a URL carries, if any, as written and decoded (logs scrub both)."""
    found = _PASSWORD.search(value) if is_postgres_url(value) else None
    return found.group(2) or None if found else None


def where(url: str) -> str:
    """host:port/database of a URL, for messages; never its user's password."""
    try:
        parts = urlsplit(url)
        port = parts.port or 5432
    except ValueError:
        return "an invalid URL"
    host = parts.hostname or "localhost"
    return f"{host}:{port}/{unquote(parts.path.lstrip('/'))}"
