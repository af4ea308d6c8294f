"""Overflow menus in the local Slack: Block Kit's limits, and the payload a choice sends."""

from __future__ import annotations

from typing import Any

from localslack.blockkit import check_blocks
from localslack.payloads import action_object


def menu(*options: tuple[str, str]) -> list[dict[str, Any]]:
    """A section with an overflow menu of (text, value) options."""
    overflow = {
        "type": "overflow",
        "action_id": "m",
        "options": [{"text": {"type": "plain_text", "text": t}, "value": v} for t, v in options],
    }
    return [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": overflow}]


def test_overflow_limits() -> None:
    assert check_blocks(menu(("a", "1"), ("b", "2")), 50) is None
    assert check_blocks(menu(("a", "v" * 150), ("b", "2")), 50) is None
    bad = [
        menu(("a", "1")),  # fewer than 2
        menu(*[("a", str(i)) for i in range(6)]),  # more than 5
        menu(("a", "v" * 151), ("b", "2")),  # a value over 150
        menu(("t" * 76, "1"), ("b", "2")),  # a text over 75
        menu(("a", ""), ("b", "2")),  # no value
        menu(("", "1"), ("b", "2")),  # no text
    ]
    for blocks in bad:
        assert check_blocks(blocks, 50) == "invalid_blocks"


def test_a_choice_sends_its_option_not_a_value() -> None:
    found = {**menu(("Useful", "useful:i1"), ("Less", "less:i1"))[0]["accessory"], "block_id": "b"}
    action = action_object("m", "less:i1", "b", found)
    assert action["type"] == "overflow"
    assert action["selected_option"]["value"] == "less:i1"
    assert action["selected_option"]["text"]["text"] == "Less"
    assert "value" not in action
    assert "text" not in action
