"""The import keeps out every spelling of `!nda` the live bot keeps out (tests/support/nda.py)."""

from __future__ import annotations

from pathlib import Path

from tests.support.exports import TEAM, exported, message, run_import, write_export
from tests.support.nda import (
    MARKED_BLOCKS,
    MARKED_TEXTS,
    UNMARKED_TEXTS,
    open_link,
    secret_link,
    with_link,
)

USERS = [{"id": "U1", "team_id": TEAM, "name": "ana"}]
GENERAL = [{"id": "C1", "name": "general"}]


def ts(n: int) -> str:
    return f"1700000{n:03d}.000100"


def test_every_spelling_keeps_the_message_out(tmp_path: Path) -> None:
    marked = [message("U1", ts(n), f"{t} <{secret_link(n)}>") for n, t in enumerate(MARKED_TEXTS)]
    first = len(marked)
    marked += [
        message("U1", ts(n), "", blocks=with_link(blocks, secret_link(n)))
        for n, blocks in enumerate(MARKED_BLOCKS, start=first)
    ]
    first = len(marked)
    unmarked = [
        message("U1", ts(n), f"{t} <{open_link(n)}>")
        for n, t in enumerate(UNMARKED_TEXTS, start=first)
    ]
    export = write_export(
        tmp_path / "export", USERS, {"general": marked + unmarked}, public=GENERAL
    )
    db = tmp_path / "db.sqlite"
    summary = run_import(db, export)
    kept = {str(item["url"]) for item in exported(db) if item["url"]}
    assert summary.skipped["!nda"] == len(marked)
    assert not {url for url in kept if url.startswith("https://secret")}
    assert {open_link(n) for n in range(first, first + len(unmarked))} <= kept
