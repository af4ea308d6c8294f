"""`serendip forget` says whether the forgotten person's data is erased from the database file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.models import ItemDraft, ShareInput
from bot.store import Store
from tests.support.cli import point_at_fresh_db


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database where U1 shared one learning, and the environment pointing at it."""
    path = point_at_fresh_db(tmp_path, monkeypatch)
    store = Store(path).open()
    share = ShareInput("T1", "C1", "1763888400.000100", "U1", "TIL quixotrellis", False)
    draft = ItemDraft("learning", "learning:C1:1763888400.000100")
    asyncio.run(store.save_message(share, [draft]))
    store.close()
    return path


def test_forget_says_the_data_is_erased(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "U1"]) == 0
    *_, last = capsys.readouterr().out.strip().splitlines()
    assert last == "done: their deleted data is erased from the database file and its WAL"
    assert b"quixotrel" not in db.read_bytes()


def test_forget_says_when_a_busy_reader_kept_the_wal(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM shares").fetchone()  # holds its snapshot
        assert main(["forget", "U1"]) == 0
    finally:
        reader.close()
    *_, last = capsys.readouterr().out.strip().splitlines()
    assert last.startswith("not done yet: the database was busy")
    assert "run this command again" in last
