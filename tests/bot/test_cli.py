"""The `serendip` command line: outputs, and one-line errors on bad input."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __version__
from bot.cli.main import main
from bot.models import BotPost, ItemDraft, ShareInput
from bot.store import Store
from tests.support.cli import point_at_fresh_db
from tests.support.environment import child_env


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with two items, and the environment pointing at it."""
    path = point_at_fresh_db(tmp_path, monkeypatch)
    store = Store(path).open()

    async def fill() -> None:
        text = "read <https://a.com/|this>"
        share = ShareInput("T1", "C1", "1763888400.000100", "U1", text, False)
        link = ItemDraft("link", "link:https://a.com/", url="https://a.com/")
        await store.save_message(share, [link])
        til = ShareInput("T1", "", "1763888500.000000", "U2", "TIL &lt;tags&gt;", False, "til")
        await store.save_message(til, [ItemDraft("learning", "learning::1763888500.000000")])
        await store.set_reaction("T1", "C1", "1763888400.000100", "U2", "+1", "useful", True)
        await store.record_bot_post(BotPost("T1", "C1", "5.0", "U1", "card"))

    asyncio.run(fill())
    store.close()
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_python_dash_m_bot() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    )
    assert result.stdout.strip() == f"serendip {__version__}"


def test_export_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    link, learning = items
    assert link["url"] == "https://a.com/"
    assert link["text"] == "read this"
    assert link["votes"] == ["U2"]
    assert link["created_at"] == "2025-11-23T09:00:00Z"
    assert link["shares"] == [
        {"user": "U1", "channel": "C1", "ts": "1763888400.000100", "text": "read this"}
    ]
    assert learning["kind"] == "learning"
    assert learning["text"] == "TIL <tags>"
    assert learning["shares"][0]["channel"] is None
    assert learning["private"] is False


def test_export_csv_to_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "items.csv"
    assert main(["export", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == [
        "id",
        "kind",
        "url",
        "title",
        "text",
        "channel",
        "user",
        "shares",
        "votes",
        "created_at",
        "private",
    ]
    assert (rows[0]["shares"], rows[0]["votes"], rows[0]["private"]) == ("1", "1", "false")


def test_forget_without_token_leaves_posts(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "U1"]) == 0
    out = capsys.readouterr().out
    assert "1 share(s)" in out
    assert "were left (no token to delete them)" in out
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM shares WHERE user = 'U1'").fetchone()[0] == 0
    assert conn.execute("SELECT opted_out FROM person_settings WHERE user_id = 'U1'").fetchone()[0]
    conn.close()


def test_backup(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert main(["backup", str(target)]) == 0
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 2
    conn.close()


@pytest.mark.parametrize(
    ("argv", "env", "needle"),
    [
        (["run", "--http"], {}, "SLACK_BOT_TOKEN"),
        (["run", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        (["run"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "x"}, "PORT"),
        (
            ["run", "--port", "99999"],
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
            "--port",
        ),
        (["forget", "robert'); DROP TABLE"], {}, "not a Slack user id"),
        (["backup", "cli.db"], {}, "exists already"),
        (["export"], {"SERENDIP_DB": "/nonexistent/none.db"}, "no database"),
        (["export"], {"SERENDIP_TZ": "Nowhere/City"}, "SERENDIP_TZ"),
    ],
)
def test_errors_are_one_line(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: dict[str, str],
    needle: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err
    assert "\n" not in err
    assert "Traceback" not in err


def test_secret_never_printed(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-wrong-kind-secret")
    assert main(["export"]) == 2
    captured = capsys.readouterr()
    assert "wrong-kind-secret" not in captured.err + captured.out


def test_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["fly"])
    assert done.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unwritable_output_is_one_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "-o", "/nonexistent/dir/out.json"]) == 1
    err = capsys.readouterr().err.strip()
    assert "No such file" in err
    assert "\n" not in err


def test_not_a_serendip_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    garbage, other = tmp_path / "garbage.db", tmp_path / "other.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE precious (x)")
    conn.close()
    for path, needle in ((garbage, "not a SQLite database"), (other, "not a Serendip database")):
        monkeypatch.setenv("SERENDIP_DB", str(path))
        assert main(["export"]) == 2
        assert needle in capsys.readouterr().err
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["precious"]
    conn.close()


def test_env_file_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes(b"PORT=\xff\xfe3000\n")
    assert main(["export"]) == 1
    err = capsys.readouterr().err.strip()
    assert "not UTF-8" in err
    assert "\n" not in err


def test_port_in_use_is_one_line(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
        monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
        assert main(["run", "--http", "--host", "127.0.0.1", "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip()
    assert "address" in err.lower()
    assert "Traceback" not in err


def test_forget_someone_with_nothing_stored_opts_them_out(db: Path) -> None:
    assert main(["forget", "U999"]) == 0
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT team_id, opted_out FROM person_settings WHERE user_id = 'U999'")
    assert rows.fetchall() == [("T1", 1)]
    conn.close()
