"""PostgreSQL for tests: a database of their own on SERENDIP_TEST_PG or the local server.

The server comes from SERENDIP_TEST_PG (a postgresql:// URL) or 127.0.0.1:5432 as `postgres`
or `root`. Without one, PostgreSQL tests skip and say why; with CI=true they fail instead, so
CI never passes by skipping them. Each test gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from bot.dburl import redact

# Read at import, before the autouse fixture clears every SERENDIP_* variable for the test.
TEST_PG = os.environ.get("SERENDIP_TEST_PG")
IN_CI = os.environ.get("CI", "").lower() == "true"
LOCAL = (
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://root@127.0.0.1:5432/postgres",
)


@cache
def server() -> tuple[str | None, str]:
    """A URL of a server that lets us create databases, or None and why not."""
    candidates = (TEST_PG,) if TEST_PG else LOCAL
    reasons = []
    for url in candidates:
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            return url, ""
        except psycopg.Error as exc:
            reasons.append(f"{redact(url)}: {' '.join(str(exc).split())[:160]}")
    return None, "no PostgreSQL to test against (" + "; ".join(reasons) + ")"


def require_server() -> str:
    """The server's URL; skip the test without one, or fail it under CI=true."""
    url, why = server()
    if url is None:
        if IN_CI:
            pytest.fail(f"CI=true needs PostgreSQL: {why}")
        pytest.skip(why)
    return url


def with_database(url: str, name: str) -> str:
    """The same server URL, naming another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database for one test (its URL), dropped afterwards."""
    admin = require_server()
    name = f"serendip_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
