"""An import interrupted (while reading, or while indexing) and run again ends as one that was
never interrupted."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.importing.progress import Progress
from bot.importing.runner import Importer
from bot.models import ImportBatch
from bot.store import Store
from tests.support.cli import point_at_fresh_db
from tests.support.current_export import build, prepare
from tests.support.exports import EXPORT_2016, config, counts, exported, run_import, without_ids

ALREADY = "already imported (unchanged since)"


def interrupted(db: Path, export: Path, after_batches: int = 0, after_chunks: int = 0) -> None:
    """Import with one day file per batch, stopped as Ctrl-C would stop it."""
    store = Store(db).open()
    importer = Importer(store, config(), str(export), None, Progress(None), batch_messages=1)
    importer.refresh_chunk = 3
    flushes, chunks = [0], [0]
    flush, refresh = importer._flush, store.refresh_imported

    def stop_flush(batch: ImportBatch) -> None:
        flush(batch)
        flushes[0] += 1
        if flushes[0] == after_batches:
            raise KeyboardInterrupt

    def stop_refresh(team_id: str, limit: int = 5000) -> int:
        chunks[0] += 1
        if chunks[0] > after_chunks:
            raise KeyboardInterrupt
        return refresh(team_id, limit)

    def no_refresh_yet(team_id: str, limit: int = 5000) -> Future[int]:
        done: Future[int] = Future()  # as if Ctrl-C came before the batches' refreshes
        done.set_result(0)
        return done

    importer._flush = stop_flush  # type: ignore[method-assign]
    store.refresh_imported = stop_refresh  # type: ignore[method-assign]
    if after_chunks:
        store.refresh_imported_later = no_refresh_yet  # type: ignore[method-assign]
    try:
        with pytest.raises(KeyboardInterrupt):
            importer.run()
    finally:
        store.close()  # as the CLI does: the batch already handed over is committed


@pytest.mark.parametrize("export_kind", ["2016", "current"])
def test_interrupted_while_reading_then_resumed(tmp_path: Path, export_kind: str) -> None:
    export = EXPORT_2016 if export_kind == "2016" else build(tmp_path / "export")
    whole, resumed = tmp_path / "whole.db", tmp_path / "resumed.db"
    for db in (whole, resumed) if export_kind == "current" else ():
        prepare(db)
    run_import(whole, export)
    interrupted(resumed, export, after_batches=3)
    summary = run_import(resumed, export)
    assert summary.files_skipped[ALREADY] == 3
    assert without_ids(exported(resumed)) == without_ids(exported(whole))
    assert counts(resumed) == counts(whole)
    assert run_import(resumed, export).files_skipped[ALREADY] == summary.files_total - sum(
        n for reason, n in summary.files_skipped.items() if reason != ALREADY
    )


def test_interrupted_while_indexing_then_resumed(tmp_path: Path) -> None:
    export = build(tmp_path / "export")
    whole, resumed = tmp_path / "whole.db", tmp_path / "resumed.db"
    for db in (whole, resumed):
        prepare(db)
    run_import(whole, export)
    interrupted(resumed, export, after_chunks=2)
    assert 0 < counts(resumed)["import_pending"] < counts(whole)["items"]
    summary = run_import(resumed, export)
    assert summary.files_read == 0
    assert counts(resumed)["import_pending"] == 0
    # Topics are ranked against the document frequencies of their chunk, so they may differ.
    assert without_ids(exported(resumed), ("id", "topics")) == without_ids(
        exported(whole), ("id", "topics")
    )
    assert counts(resumed) == counts(whole)


def test_ctrl_c_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_at_fresh_db(tmp_path, monkeypatch)

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Importer, "_refresh", stop)
    assert main(["import", "--quiet", str(EXPORT_2016)]) == 130
    assert "run the same command to resume" in capsys.readouterr().err
    monkeypatch.undo()
    point_at_fresh_db(tmp_path, monkeypatch)
    assert main(["import", "--quiet", str(EXPORT_2016)]) == 0
    assert "already imported (unchanged since): 17" in capsys.readouterr().out
    assert counts(tmp_path / "cli.db")["search_docs"] == 12
