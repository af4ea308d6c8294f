"""`serendip migrate`, `serendip run --no-migrate`, and a PostgreSQL SERENDIP_DB that cannot be
used: one line, a non-zero exit, and never the password."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.dburl import password_of
from bot.store import twins
from bot.store.migrations import MIGRATIONS
from bot.store.pg.connect import PgUnavailable, connect
from tests.support.cli import point_at_fresh_db
from tests.support.fake_postgres import password_refusing_server
from tests.support.postgres import with_database

LATEST = len(MIGRATIONS)
SECRET = "hunter2-not-printed"


def one_line(capsys: pytest.CaptureFixture[str], after_logs: bool = False) -> str:
    """The error line; `after_logs`: `run` may log lines of its own before it (Bolt's)."""
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    err = captured.err.strip()
    assert "Traceback" not in err
    if after_logs:
        err = err.splitlines()[-1]
    assert "\n" not in err
    assert err.startswith("serendip: ")
    return err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again: nothing listens there


def test_migrate_sqlite_then_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.strip() == (f"migrated {path} from schema version 0 to {LATEST}")
    assert main(["migrate"]) == 0
    assert "already current" in capsys.readouterr().out


def test_run_no_migrate_refuses_an_older_sqlite_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    lite = sqlite3.connect(path)
    lite.execute("PRAGMA user_version = 12")
    lite.close()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    argv = ["run", "--http", "--host", "127.0.0.1", "--port", "0", "--no-migrate"]
    assert main(argv) == 1
    err = one_line(capsys, after_logs=True)
    assert "schema version 12, older than this Serendip" in err
    assert "run `serendip migrate` first" in err
    lite = sqlite3.connect(path)
    assert lite.execute("PRAGMA user_version").fetchone() == (12,)  # left as it was
    lite.close()


def test_sqlite_newer_schema_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    lite = sqlite3.connect(path)
    lite.execute(f"PRAGMA user_version = {LATEST + 1}")
    lite.close()
    assert main(["migrate"]) == 1
    assert "newer than this Serendip" in one_line(capsys)


def test_unreachable_postgresql_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    monkeypatch.setenv("SERENDIP_DB", f"postgresql://serendip:{SECRET}@127.0.0.1:{port}/db")
    assert main(["migrate"]) == 1
    err = one_line(capsys)
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{port}/db (SERENDIP_DB)" in err
    assert "refused" in err.lower()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://u:{SECRET}@[::1/db",
        f"postgresql://u:{SECRET}@127.0.0.1:notaport/db",
    ],
)
def test_invalid_postgresql_url_is_one_line_without_the_password(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SERENDIP_DB", url)
    assert main(["migrate"]) == 1
    assert "SERENDIP_DB" in one_line(capsys)


def test_missing_postgresql_database_is_one_line(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = with_database(pg_url, "serendip_no_such_database")
    monkeypatch.setenv("SERENDIP_DB", url)
    assert main(["migrate"]) == 1
    err = one_line(capsys)
    assert 'database "serendip_no_such_database" does not exist' in err
    secret = password_of(url)
    assert secret is None or secret not in err


def test_wrong_password_is_one_line_without_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with password_refusing_server() as port:
        url = f"postgresql://serendip:{SECRET}@127.0.0.1:{port}/serendip"
        with pytest.raises(PgUnavailable):
            connect(url).close()
        monkeypatch.setenv("SERENDIP_DB", url)
        assert main(["migrate"]) == 1
    err = one_line(capsys)
    assert 'password authentication failed for user "serendip"' in err
    assert f"127.0.0.1:{port}/serendip" in err
    assert SECRET not in err


def test_migrate_postgresql_then_again(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """(`serendip run` then serving on PostgreSQL: tests/handlers/test_run_postgresql.py.)"""
    monkeypatch.setenv("SERENDIP_DB", pg_url)
    assert main(["migrate"]) == 0
    assert f"from schema version 0 to {LATEST}" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "already current" in capsys.readouterr().out


def test_postgresql_run_refuses_while_an_area_has_no_twin(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every area is ported; one added to the SQLite floor alone must not be served half."""
    monkeypatch.setenv("SERENDIP_DB", pg_url)
    assert main(["migrate"]) == 0
    capsys.readouterr()
    real = twins._pg_module
    monkeypatch.setattr(twins, "_pg_module", lambda area: None if area == "capture" else real(area))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    assert main(["run", "--http", "--host", "127.0.0.1", "--port", "0"]) == 1
    err = one_line(capsys, after_logs=True)
    assert "PostgreSQL is not ready to serve yet: 1 store area is not ported (capture)" in err
    assert main(["export"]) == 1
    assert "PostgreSQL is not ready to serve yet" in one_line(capsys)
    monkeypatch.setattr(twins, "_pg_module", real)
    assert main(["export"]) == 0  # with every twin, the same database serves
    assert json.loads(capsys.readouterr().out) == {"items": []}


def test_postgresql_newer_schema_is_one_line(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SERENDIP_DB", pg_url)
    assert main(["migrate"]) == 0
    with connect(pg_url) as conn:
        conn.execute("UPDATE serendip_schema SET version = %s", [LATEST + 5])
    capsys.readouterr()
    assert main(["migrate"]) == 1
    assert f"schema version {LATEST + 5}, newer than this Serendip" in one_line(capsys)
