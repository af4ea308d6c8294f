"""The review message's Block Kit: Slack's limits, escaping, privacy and the empty list."""

from __future__ import annotations

import json
from typing import Any

from bot.store import FlaggedItem
from handlers.blocks.review import build_flag_review, build_review_buttons, describe_item
from localslack.blockkit import check_message

NASTY = "<!channel> Tom & Jerry <@U2> <https://evil.example|click> " * 200


def item(n: int = 0, flaggers: int = 1, **fields: Any) -> FlaggedItem:
    base: dict[str, Any] = {
        "item_id": f"0000000000{n:02d}abcdef01",
        "kind": "link",
        "url": f"https://ex.example/{n}",
        "title": f"Title {n}",
        "text": f"look at {n}",
        "flaggers": flaggers,
    }
    return FlaggedItem(**{**base, **fields})


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_many_huge_items_stay_within_slacks_limits() -> None:
    many = [
        item(n, 30 - n, title=NASTY, text=NASTY, url="https://x.example/" + "|>&" * 900)
        for n in range(25)
    ]
    message = build_flag_review(many, 25)
    assert check_message(message["text"], message["blocks"], None) is None
    assert len(message["blocks"]) <= 50
    assert len(sections(message)) == 21  # the introduction and the 20 most flagged
    assert all(len(text) <= 3000 for text in sections(message))
    assert "The 20 most flagged are listed" in sections(message)[0]
    assert [b["value"] for b in buttons(message)][:2] == [many[0].item_id] * 2


def test_user_text_is_escaped_and_cut_whole() -> None:
    text = describe_item(item(title=NASTY, text=NASTY), ())
    assert "<!channel>" not in text
    assert "<@U2>" not in text
    assert "<https://evil" not in text
    assert "&lt;!channel&gt;" in text
    assert "Tom &amp; Jerry" in text
    quote = text.split("\n")[1]
    bare = quote.replace("&lt;", "").replace("&gt;", "").replace("&amp;", "")
    assert quote.endswith("…")
    assert "&" not in bare
    long_url = describe_item(item(url="https://x.example/" + "a" * 700), ())
    assert "<https://x.example/aaa" not in long_url  # too long to link whole: not linked


def test_a_url_cannot_close_the_link_early() -> None:
    text = describe_item(item(url="https://x.example/a|b>c<d", title="T"), ())
    assert "<https://x.example/a%7Cb%3Ec%3Cd|T>" in text


def test_counts_and_state_but_never_who() -> None:
    message = build_flag_review([item(1, 3), item(2, 2), item(3, 1)], 3)
    first, second, third = sections(message)[1:]
    assert "flagged by 3 people" in first
    assert "*hidden* from digests and search" in first
    assert "flagged by 2 people" in second
    assert "still shown" in second
    assert "flagged by 1 person" in third
    assert [b["action_id"] for b in buttons(message)][:2] == ["flags_restore", "flags_remove"]


def test_private_items_only_for_members_of_their_channel() -> None:
    secret = item(title="Secret plan", text="inside", private_channel="G1")
    hidden = describe_item(secret, readable=())
    assert "Secret plan" not in hidden
    assert "inside" not in hidden
    assert "ex.example" not in hidden
    assert "private channel you are not in" in hidden
    assert "flagged by 1 person" in hidden
    shown = describe_item(secret, readable={"G1"})
    assert "Secret plan" in shown
    assert "<#G1>" in shown


def test_empty_list_and_note() -> None:
    assert build_flag_review([], 0)["text"] == "Nothing is flagged."
    after = build_flag_review([], 0, note="Removed: gone.")
    assert after["text"] == "Removed: gone. Nothing is flagged."
    assert check_message(after["text"], after["blocks"], None) is None
    listed = build_flag_review([item()], 1, note="Restored.")
    assert sections(listed)[0].startswith("Restored.")


def test_button_values_are_cut_to_slacks_limit() -> None:
    block = build_review_buttons("x" * 5000)
    assert all(len(e["value"]) == 2000 for e in block["elements"])
    assert len(json.dumps(block["elements"][1]["confirm"]["text"]["text"])) <= 300
