"""Recorded Slack SDK payloads (tests/fixtures/recorded-capture/) through the capture rules,
the real bot and the import."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.slacktext import find_links, rich_text_markup
from tests.support.bot import Env
from tests.support.exports import TEAM, exported, message, run_import, write_export

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "recorded-capture"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


def all_fields_message(team: str, ts: str) -> dict[str, Any]:
    """The java SDK's every-field message event, written by person U1 in #general."""
    event: dict[str, Any] = recorded("MessagePayload.json")["event"]
    for key in ("bot_id", "bot_profile", "edited", "thread_ts", "parent_user_id"):
        event.pop(key)
    return event | {"user": "U1", "team": team, "channel": "C1", "ts": ts, "event_ts": ts}


def test_the_recorded_rich_text_block() -> None:
    block = recorded("rich_text_block.json")
    assert [lnk.url for lnk in find_links("", blocks=[block])] == ["https://slack.com/"]
    markup = rich_text_markup([block])
    assert markup.startswith("Hey! this is very rich text block test links<https://slack.com|")
    assert "<@WJC6QG0MS> <!subteam^S01BL602YLU> <#C02GD0YEHDJ>" in markup


async def test_recorded_shapes_through_the_bot(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    msg = await env.slack.post_blocks("U1", "C1", [recorded("rich_text_block.json")])
    await env.slack.send_event(all_fields_message(env.team, "1700000000.000100"))
    [item] = await env.items()
    assert (item["url"], item["shares"][0]["ts"]) == ("https://slack.com/", msg["ts"])
    assert str(item["text"]).startswith(
        "Hey! this is very rich text block test linksSlack website!"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_recorded_shapes_through_the_import(tmp_path: Path) -> None:
    users = [{"id": "U1", "team_id": TEAM, "name": "ana"}]
    posts = [
        message("U1", "1700000000.000200", "", blocks=[recorded("rich_text_block.json")]),
        all_fields_message(TEAM, "1700000000.000300"),
    ]
    folder = write_export(
        tmp_path / "export", users, {"general": posts}, public=[{"id": "C1", "name": "general"}]
    )
    summary = run_import(tmp_path / "db.sqlite", folder)
    assert [i["url"] for i in exported(tmp_path / "db.sqlite")] == ["https://slack.com/"]
    assert "malformed message" not in str(summary)
