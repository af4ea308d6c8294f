"""Damaged exports: a truncated zip, a damaged zip member, malformed files, missing users.json."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.models import ChannelInfo
from bot.store import Store
from tests.support.cli import point_at_fresh_db
from tests.support.exports import EXPORT_2016, TEAM, counts, message, write_export, zip_folder

BROKEN_DAY = "enrique/2016-02-07.json"  # shares six of the twelve links


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment of a CLI run, with SERENDIP_DB pointing at a new file."""
    return point_at_fresh_db(tmp_path, monkeypatch)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("serendip: ")
    assert "\n" not in err
    return err


def test_a_truncated_zip_stops_with_one_line(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = zip_folder(EXPORT_2016, tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert main(["import", str(cut)]) == 2
    assert "truncated" in one_line_error(capsys)
    assert not cli_db.exists()


def test_a_damaged_zip_member_is_reported_and_skipped(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        for path in sorted(EXPORT_2016.rglob("*.json")):
            out.write(path, path.relative_to(EXPORT_2016).as_posix())
    data = bytearray(archive.read_bytes())
    at = data.index(b"practicalcryptography")  # inside the stored bytes of BROKEN_DAY
    data[at : at + 6] = b"XXXXXX"
    archive.write_bytes(bytes(data))
    assert main(["import", "--quiet", str(archive)]) == 1
    printed = capsys.readouterr().out
    assert f"{BROKEN_DAY}: damaged in the zip" in printed
    assert counts(cli_db)["items"] == 6


def test_a_malformed_day_file_is_skipped_and_taken_once_mended(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = Path(shutil.copytree(EXPORT_2016, tmp_path / "export"))
    (export / BROKEN_DAY).write_text('[{"type": "message", "ts": ')
    (export / "enrique" / "2016-02-08.json").write_text('{"not": "a list"}')
    assert main(["import", "--quiet", str(export)]) == 1
    out = capsys.readouterr().out
    assert f"{BROKEN_DAY}: not valid JSON (Expecting value, line 1)" in out
    assert "enrique/2016-02-08.json: not a list of messages" in out
    assert counts(cli_db)["items"] == 6
    shutil.copy(EXPORT_2016 / BROKEN_DAY, export / BROKEN_DAY)
    assert main(["import", "--quiet", str(export)]) == 1  # 2016-02-08 is still malformed
    out = capsys.readouterr().out
    assert "already imported (unchanged since): 15" in out
    assert counts(cli_db)["items"] == 12


@pytest.mark.parametrize("broken", ["missing", "not a list"])
def test_users_json_is_required(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    export = Path(shutil.copytree(EXPORT_2016, tmp_path / "export"))
    if broken == "missing":
        (export / "users.json").unlink()
    else:
        (export / "users.json").write_text('{"members": []}')
    assert main(["import", str(export)]) == 2
    assert "users.json" in one_line_error(capsys)
    assert counts(cli_db)["items"] == 0


def test_odd_messages_are_counted_and_the_rest_imported(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = [{"id": "U1", "team_id": TEAM, "name": "ana"}]
    good = message("U1", "1700000000.000100", "<https://a.example/>")
    export = write_export(
        tmp_path / "export", users, {"general": [good]}, public=[{"id": "C1", "name": "general"}]
    )
    day = export / "general" / "2023-11-14.json"
    day.write_text(json.dumps([42, {"type": "message", "text": "no ts"}, good]))
    assert main(["import", "--quiet", str(export)]) == 0
    assert "malformed message: 2" in capsys.readouterr().out
    assert counts(cli_db)["items"] == 1


def test_another_workspace_needs_team(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(cli_db).open()
    asyncio.run(store.save_channel(ChannelInfo("TELSE", "C9", "elsewhere")))
    store.close()
    assert main(["import", str(EXPORT_2016)]) == 2
    assert "T0BMHLSRH" in one_line_error(capsys)
    assert main(["import", "--quiet", "--team", "TELSE", str(EXPORT_2016)]) == 0
    assert "into workspace TELSE" in capsys.readouterr().out


def test_no_export_there(tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nothing.zip")]) == 2
    assert "no export at" in one_line_error(capsys)


def test_recent_imports_do_reach_digests(
    tmp_path: Path, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other half of test_imported_history_stays_out_of_the_next_digests."""
    users = [{"id": "U1", "team_id": TEAM, "name": "ana"}]
    ts = f"{time.time() - 86400:.6f}"
    day = [message("U1", ts, "worth it <https://recent.example/|Recent>")]
    export = write_export(
        tmp_path / "export", users, {"general": day}, public=[{"id": "C1", "name": "general"}]
    )
    assert main(["import", "--quiet", str(export)]) == 0
    store = Store(cli_db).open()
    asyncio.run(store.update_channel(TEAM, "C1", is_member=True))
    store.close()
    capsys.readouterr()
    assert main(["digest", "preview", "--channel", "C1"]) == 0
    assert "https://recent.example/" in capsys.readouterr().out
