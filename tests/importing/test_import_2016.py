"""The 2016 export of slack-export-viewer: old shapes, imported twice, from a folder and a zip."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.store import Store
from tests.support.cli import point_at_fresh_db
from tests.support.exports import (
    EXPORT_2016,
    counts,
    exported,
    run_import,
    without_ids,
    zip_folder,
)

ENRIQUE, SAILOR = "C0JGLMMNX", "C0JL6CGQ2"


def test_the_2016_export(tmp_path: Path) -> None:
    summary = run_import(tmp_path / "a.db", EXPORT_2016)
    assert summary.team_id == "T0BMHLSRH"
    assert summary.messages == 158
    assert summary.files_read == 17
    assert not summary.malformed
    assert summary.skipped["bot"] == 97  # GitHub's posts and the integrations added
    assert summary.skipped["not a message (joins, topic changes, …)"] == 9
    items = exported(tmp_path / "a.db")
    assert len(items) == summary.items == summary.kept == 12
    assert {i["kind"] for i in items} == {"link"}
    assert not any(i["private"] for i in items)
    assert {s["channel"] for i in items for s in i["shares"]} == {ENRIQUE, SAILOR}
    # An old upload announces itself with a link to the file: that is not a share of a link.
    assert not any("slack.com/files" in str(i["url"]) for i in items)
    by_url = {i["url"]: i for i in items}
    tests = by_url["http://docs.python-guide.org/en/latest/writing/tests/"]
    assert tests["created_at"] == "2016-02-08T04:03:14Z"
    assert tests["text"].startswith("@abilinski: http://docs.python-guide.org")  # users.json
    assert tests["shares"][0]["user"] == "U0BMQB6JE"
    assert tests["votes"] == []


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run_import(db, EXPORT_2016)
    first, rows = exported(db), counts(db)
    again = run_import(db, EXPORT_2016)
    assert again.files_skipped == {"already imported (unchanged since)": 17}
    assert exported(db) == first
    assert counts(db) == rows
    assert rows["import_pending"] == 0
    assert rows["search_docs"] == 12


def test_a_zip_imports_as_its_folder_does(tmp_path: Path) -> None:
    archive = zip_folder(EXPORT_2016, tmp_path / "export.zip", wrap="export/")
    run_import(tmp_path / "zip.db", archive)
    run_import(tmp_path / "folder.db", EXPORT_2016)
    assert without_ids(exported(tmp_path / "zip.db")) == without_ids(
        exported(tmp_path / "folder.db")
    )
    again = run_import(tmp_path / "zip.db", archive)
    assert again.files_read == 0
    assert again.items == 0


def test_imported_history_stays_out_of_the_next_digests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = point_at_fresh_db(tmp_path, monkeypatch)
    assert main(["import", "--quiet", str(EXPORT_2016)]) == 0
    assert "12 new items" in capsys.readouterr().out
    store = Store(db).open()  # the bot joins the channel now, so it would get channel digests
    asyncio.run(store.update_channel("T0BMHLSRH", ENRIQUE, is_member=True))
    store.close()
    assert main(["digest", "preview", "--channel", ENRIQUE]) == 0
    assert "nothing new" in capsys.readouterr().out  # see test_recent_imports_do_reach_digests


def test_a_worker_process_reads_as_this_one_does(tmp_path: Path) -> None:
    """Big exports are parsed in a worker process (here forced on a small one)."""
    archive = zip_folder(EXPORT_2016, tmp_path / "export.zip")
    here = run_import(tmp_path / "here.db", archive, use_worker=False)
    there = run_import(tmp_path / "there.db", archive, use_worker=True)
    assert (there.messages, there.items, there.skipped) == (here.messages, here.items, here.skipped)
    assert without_ids(exported(tmp_path / "there.db")) == without_ids(
        exported(tmp_path / "here.db")
    )
