"""Digest Block Kit: inert user text, Slack's limits even for a huge week."""

from __future__ import annotations

from dataclasses import replace

from jobs.digest_blocks import (
    KEEP_WEEKLY,
    NOTICE_BLOCK,
    STAYS_WEEKLY,
    DigestItem,
    DigestSection,
    DigestView,
    build_digest,
    item_line,
    with_useful_state,
    without_person,
)
from localslack.blockkit import check_message


def digest_item(i: int, title: str = "A title", url: str | None = "https://a.com/") -> DigestItem:
    return DigestItem(f"i{i}", title, url, "U1", i, f"useful to {i} people")


def test_hostile_text_pings_nobody() -> None:
    line = item_line(digest_item(1, "<!channel> <@U123> <!here> & co", "https://x.com/a|b>c"))
    assert "<!channel>" not in line
    assert "<@U123>" not in line
    assert "<!here>" not in line
    assert "&lt;!channel&gt;" in line
    assert "&amp; co" in line
    assert "<https://x.com/a%7Cb%3Ec|" in line


def test_hundreds_of_items_stay_within_limits() -> None:
    huge = "word " * 2000
    sections = tuple(
        DigestSection(f"Section {s} <!channel>", tuple(digest_item(i, huge) for i in range(300)))
        for s in range(3)
    )
    view = DigestView(
        "Your week " * 40,
        sections,
        intro="Why you get this",
        footer=("Your shares were useful to 4 people",),
    )
    message = build_digest(view)
    assert check_message(message["text"], message["blocks"], None) is None
    assert len(message["blocks"]) <= 50
    assert message["blocks"][-1]["elements"][0]["action_id"] == "digest_settings"


def test_empty_sections_are_left_out() -> None:
    view = DigestView(
        "Week", (DigestSection("Nothing", ()), DigestSection("Top", (digest_item(1),)))
    )
    message = build_digest(view)
    texts = str(message["blocks"])
    assert "Nothing" not in texts
    assert "Top" in texts
    assert "A title" in message["text"]


def test_the_fatigue_line_goes_once_the_reader_pressed_or_the_digest_is_updated() -> None:
    item = DigestItem("i1", "a find", "https://a.example/", "bo", 0, "new this week")
    view = DigestView("Your digest", (DigestSection("For you", (item,)),), notice="Monthly now.")
    blocks = build_digest(view)["blocks"]
    assert [b.get("block_id") for b in blocks].count(NOTICE_BLOCK) == 1
    # Useful pressed (which moves them back to weekly): the line says so, without its button.
    pressed = with_useful_state(blocks, "i1", True)
    assert NOTICE_BLOCK not in str(pressed)
    assert KEEP_WEEKLY not in str(pressed)
    assert STAYS_WEEKLY in str(pressed)
    # Forget-me updates the digest from its kept view: the line, perhaps stale, is not shown.
    other = replace(item, item_id="i2", people=("U9",))
    kept = DigestView("Your digest", (DigestSection("For you", (item, other)),), notice="Monthly.")
    updated = without_person(kept, "U9")
    assert updated is not None
    assert updated.notice is None
    assert NOTICE_BLOCK not in str(build_digest(updated))
