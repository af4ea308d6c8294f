"""The import applies the live capture rules to the shapes of test_capture_shapes.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.exports import TEAM, exported, message, run_import, write_export

USERS = [{"id": "U1", "team_id": TEAM, "name": "ana"}]
GENERAL = [{"id": "C1", "name": "general"}]


def imported(tmp_path: Path, messages: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    export = write_export(tmp_path / "export", USERS, {"general": messages}, public=GENERAL)
    db = tmp_path / "db.sqlite"
    run_import(db, export)
    return sorted((str(i["kind"]), i["url"]) for i in exported(db))


def test_a_learning_may_start_with_a_mention(tmp_path: Path) -> None:
    said = message("U1", "1700000000.000100", "<@U0BOT> TIL imports read mentions")
    assert imported(tmp_path, [said]) == [("learning", None)]


def test_links_only_in_rich_text_blocks(tmp_path: Path) -> None:
    def rich(*elements: dict[str, Any]) -> list[dict[str, Any]]:
        section = {"type": "rich_text_section", "elements": list(elements)}
        return [{"type": "rich_text", "block_id": "b1", "elements": [section]}]

    posts = [
        message(
            "U1", "1700000000.000200", "", blocks=rich({"type": "link", "url": "https://a.com"})
        ),
        message(
            "U1",
            "1700000000.000300",
            "<https://a.com/>",
            blocks=rich({"type": "link", "url": "https://b.com/"}),
        ),
        message(
            "U1",
            "1700000000.000400",
            "",
            blocks=rich(
                {"type": "text", "text": "!nda"}, {"type": "link", "url": "https://secret.com/"}
            ),
        ),
        message("U1", "1700000000.000500", "", blocks="odd"),
    ]
    assert imported(tmp_path, posts) == [("link", "https://a.com/"), ("link", "https://b.com/")]


def test_shared_messages_and_permalinks_are_no_link_items(tmp_path: Path) -> None:
    link = "https://acme.slack.com/archives/C1/p1700000000000100"
    shared = {
        "is_msg_unfurl": True,
        "is_share": True,
        "from_url": link,
        "original_url": link,
        "channel_id": "C1",
        "ts": "1700000000.000100",
        "author_id": "U1",
        "title": "Quoted",
        "text": "read <https://a.com/post>",
    }
    posts = [
        message("U1", "1700000000.000100", "read <https://a.com/post>"),
        message("U1", "1700000000.000200", "", attachments=[shared]),
        message("U1", "1700000000.000300", f"<{link}> <https://b.com/>", attachments=[shared]),
    ]
    assert imported(tmp_path, posts) == [("link", "https://a.com/post"), ("link", "https://b.com/")]
