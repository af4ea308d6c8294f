"""`serendip copy-db --to URL` and `serendip backup` on PostgreSQL, through the real command
line: exit codes, one-line messages, and never the password."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from bot.cli import copy_db as copy_db_cli
from bot.cli.main import main
from bot.dburl import redact
from bot.store import Store
from tests.support.cli import point_at_fresh_db
from tests.support.fake_postgres import password_refusing_server
from tests.support.sharing import link, share

SECRET = "hunter2-not-printed"


def with_secret(url: str) -> str:
    """The test server's URL with a password in it (the server trusts, and ignores it)."""
    user, rest = url.split("://", 1)[1].split("@", 1)
    return f"postgresql://{user}:{SECRET}@{rest}"


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    err = captured.err.strip()
    assert "\n" not in err
    assert err.startswith("serendip: ")
    return err


def filled_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    store = Store(path).open()
    try:
        for n in range(5):
            asyncio.run(store.save_message(share(ts=f"{n}.0"), [link(f"https://a.com/{n}")]))
    finally:
        store.close()
    return path


def test_copy_db_copies_then_refuses_to_copy_again(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_url: str,
) -> None:
    path = filled_sqlite(tmp_path, monkeypatch)
    url = with_secret(pg_url)
    assert main(["copy-db", "--to", url, "--quiet"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.startswith("copied ")
    assert f"from {path} to PostgreSQL at 127.0.0.1:" in out.out
    assert out.out.strip().endswith("every table's count matches")
    assert SECRET not in out.out
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (5,)
    assert main(["copy-db", "--to", url]) == 1
    assert "already holds data (table" in error_line(capsys)
    monkeypatch.setenv("SERENDIP_DB", url)  # the copy is served: export reads it
    assert main(["export"]) == 0
    assert capsys.readouterr().out.count('"kind": "link"') == 5


def test_a_copy_cut_off_by_a_lost_connection_says_resume_and_resumes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_url: str,
) -> None:
    filled_sqlite(tmp_path, monkeypatch)

    class CutOff:
        """After the first batch, the server ends the copy's connection (a restart, say)."""

        def __init__(self, out: object) -> None:
            self.done = False

        def __call__(self, table: str, copied: int) -> None:
            if not self.done:
                self.done = True
                with psycopg.connect(pg_url, autocommit=True) as admin:
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )

    with monkeypatch.context() as patch:
        patch.setattr(copy_db_cli, "Progress", CutOff)
        assert main(["copy-db", "--to", with_secret(pg_url)]) == 1
    err = error_line(capsys)
    assert err.startswith("serendip: copy into PostgreSQL at 127.0.0.1:")
    assert err.endswith("; run the same command to resume")
    assert main(["copy-db", "--to", with_secret(pg_url), "--quiet"]) == 0
    assert "every table's count matches" in capsys.readouterr().out


def test_copy_db_bad_arguments_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_sqlite(tmp_path, monkeypatch)
    assert main(["copy-db", "--to", str(tmp_path / "other.db")]) == 2
    assert error_line(capsys) == "serendip: --to must be a postgresql:// URL"
    monkeypatch.setenv("SERENDIP_DB", str(tmp_path / "missing.db"))
    assert main(["copy-db", "--to", f"postgresql://u:{SECRET}@127.0.0.1/x"]) == 2
    assert "no database at" in error_line(capsys)
    monkeypatch.setenv("SERENDIP_DB", f"postgresql://u:{SECRET}@127.0.0.1/x")
    assert main(["copy-db", "--to", f"postgresql://u:{SECRET}@127.0.0.1/y"]) == 2
    assert "copies from SQLite" in error_line(capsys)


def test_copy_db_wrong_password_or_no_server_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_sqlite(tmp_path, monkeypatch)
    with password_refusing_server() as port:
        assert main(["copy-db", "--to", f"postgresql://ana:{SECRET}@127.0.0.1:{port}/db"]) == 1
    err = error_line(capsys)
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{port}/db (--to)" in err
    assert 'password authentication failed for user "ana"' in err
    assert main(["copy-db", "--to", f"postgresql://ana:{SECRET}@127.0.0.1:{port}/db"]) == 1
    assert "Connection refused" in error_line(capsys)  # the server is gone now


def test_a_half_copied_database_is_not_served(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_url: str,
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE copy_progress (name TEXT PRIMARY KEY)")
    monkeypatch.setenv("SERENDIP_DB", with_secret(pg_url))
    assert main(["export"]) == 1
    assert "holds a copy-db that has not finished" in error_line(capsys)


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_on_postgresql_runs_pg_dump(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_url: str,
) -> None:
    filled_sqlite(tmp_path, monkeypatch)
    assert main(["copy-db", "--to", pg_url, "--quiet"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("SERENDIP_DB", with_secret(pg_url))
    target = tmp_path / "serendip.dump"
    assert main(["backup", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        f"backed up {redact(with_secret(pg_url))} to {target} with pg_dump (restore: pg_restore)"
    )
    listing = subprocess.run(
        ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public items" in listing
    assert main(["backup", str(target)]) == 2  # never over an existing file
    assert "exists already" in error_line(capsys)


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_wrong_password_is_one_line_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.dump"
    with password_refusing_server() as port:
        monkeypatch.setenv("SERENDIP_DB", f"postgresql://ana:{SECRET}@127.0.0.1:{port}/db")
        assert main(["backup", str(target)]) == 1
    err = error_line(capsys)
    assert err.startswith(f"serendip: pg_dump of 127.0.0.1:{port}/db failed: ")
    assert 'password authentication failed for user "ana"' in err
    assert not target.exists()


def test_backup_without_pg_dump_says_it_is_the_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump there
    monkeypatch.setenv("SERENDIP_DB", f"postgresql://ana:{SECRET}@127.0.0.1:1/db")
    assert main(["backup", str(tmp_path / "x.dump")]) == 1
    assert error_line(capsys).startswith("serendip: pg_dump is not on PATH: on PostgreSQL,")
