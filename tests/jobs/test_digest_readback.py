"""Clearing a person out of a digest read back from Slack (sent before views were kept)."""

from __future__ import annotations

from typing import Any

from jobs.digest_blocks import DigestItem, DigestSection, DigestView, build_digest
from jobs.digest_readback import item_id, without_person_blocks

ANA = DigestItem("i-ana", "ana's find", "https://ana.example/", "ana", 2, "useful to 2 people")
BO = DigestItem("i-bo", "bo's find", "https://bo.example/", "bo", 2, "useful to 2 people")
CY = DigestItem("i-cy", "cy's find", "https://cy.example/", "cy", 0, "new this week")
ANA_AGAIN = DigestItem("i-ana2", "ana's other", "https://ana2.example/", "ana", 0, "new")
ANAIS = DigestItem("i-anais", "anais's find", "https://anais.example/", "anais", 1, "useful")


def sent(*sections: DigestSection) -> dict[str, Any]:
    """A digest message as conversations.history returns it (ts and the rest left out)."""
    return build_digest(DigestView("Serendip digest for #general", sections, "intro"))


def ids(message: dict[str, Any]) -> list[str]:
    return [i for b in message["blocks"] if (i := item_id(b))]


def test_their_items_go_by_id_or_by_name_and_empty_headings_with_them() -> None:
    message = sent(
        DigestSection("Top this week", (ANA, BO)),
        DigestSection("From other teams", (ANA_AGAIN,)),
        DigestSection("Learned", (CY, ANAIS)),
    )
    cleared = without_person_blocks(message, "U1", "ana", {"i-ana"}, set())
    assert cleared is not None
    assert ids(cleared) == ["i-bo", "i-cy", "i-anais"]  # anais is not ana
    assert "ana's" not in str(cleared)
    assert "From other teams" not in str(cleared["blocks"])
    assert "*Top this week*" in str(cleared["blocks"])
    assert cleared["text"].splitlines() == [
        "Serendip digest for #general",
        "intro",
        "• bo's find https://bo.example/",
        "• cy's find https://cy.example/",
        "• anais's find https://anais.example/",
    ]
    assert cleared["blocks"][-1]["elements"][0]["action_id"] == "digest_settings"


def test_one_vote_fewer_on_the_items_they_had_voted_for() -> None:
    message = sent(DigestSection("Top", (ANA, BO, CY)))
    cleared = without_person_blocks(message, "U1", None, {"i-ana"}, {"i-bo", "i-cy"})
    assert cleared is not None
    sections = [b["text"]["text"] for b in cleared["blocks"] if b["type"] == "section"]
    lines = [s for s in sections if "\n" in s]  # the items, not their heading
    assert lines[0].endswith("shared by bo · :+1: 1\n_useful to 1 person_")
    assert lines[1].endswith("shared by cy\n_new this week_")  # no count to lower


def test_left_to_delete_when_it_cannot_be_done_safely() -> None:
    question = DigestItem("q1", "how do we deploy?", None, None, 0, "no reply yet", ("U1",))
    with_question = sent(
        DigestSection("Top", (ANA, BO)), DigestSection("Can you help?", (question,), buttons=False)
    )
    mentions = sent(
        DigestSection("Top", (ANA, DigestItem("i-x", "thanks <@U1>", None, "bo", 0, "new")))
    )
    cases = [
        (with_question, {"i-ana"}),  # a section that cannot be attributed
        (sent(DigestSection("Top", (BO, CY))), {"i-ana"}),  # nothing of theirs found
        (sent(DigestSection("Top", (ANA, ANA_AGAIN))), {"i-ana"}),  # nothing else left
        (mentions, {"i-ana"}),  # they would still show
        ({"text": "no blocks"}, {"i-ana"}),
    ]
    for message, theirs in cases:
        assert without_person_blocks(message, "U1", "ana", theirs, set()) is None


def test_left_to_delete_when_their_name_shows_in_another_persons_item() -> None:
    quoting = DigestItem("i-q", "Ana explains retries", "https://q.example/", "bo", 1, "useful")
    message = sent(DigestSection("Top", (ANA, quoting, CY)))
    assert without_person_blocks(message, "U1", "ana", {"i-ana"}, set()) is None
    # Without a name to look for, only what they shared can be told, and it goes.
    cleared = without_person_blocks(message, "U1", None, {"i-ana"}, set())
    assert cleared is not None
    assert ids(cleared) == ["i-q", "i-cy"]


def test_digests_with_grey_headings_from_before_issue_15_still_clear() -> None:
    message = sent(DigestSection("Top this week", (ANA,)), DigestSection("Learned", (BO,)))
    message["blocks"] = [  # headings were bold context lines then
        {"type": "context", "elements": [{"type": "mrkdwn", "text": b["text"]["text"]}]}
        if b["type"] == "section" and "\n" not in b["text"]["text"]
        else b
        for b in message["blocks"]
    ]
    cleared = without_person_blocks(message, "U1", "ana", {"i-ana"}, set())
    assert cleared is not None
    assert ids(cleared) == ["i-bo"]
    assert "Top this week" not in str(cleared["blocks"])
    assert "*Learned*" in str(cleared["blocks"])


def with_buttons(message: dict[str, Any]) -> dict[str, Any]:
    """The same digest as sent before issue 15's item menu: under each item an actions block
    with its Useful and Less like this buttons."""
    blocks: list[dict[str, Any]] = []
    for block in message["blocks"]:
        menu = block.get("accessory")
        if menu is None:
            blocks.append(block)
            continue
        found = item_id(block)
        blocks.append({k: v for k, v in block.items() if k != "accessory"})
        buttons = [
            {"type": "button", "action_id": action, "value": found, "text": text}
            for action, text in (("digest_useful", "Useful"), ("digest_less", "Less like this"))
        ]
        blocks.append({"type": "actions", "elements": buttons})
    return {**message, "blocks": blocks}


def test_digests_sent_with_buttons_still_clear() -> None:
    message = with_buttons(sent(DigestSection("Top", (ANA, BO)), DigestSection("New", (CY,))))
    assert [b["type"] for b in message["blocks"]].count("actions") == 4  # 3 items, settings
    cleared = without_person_blocks(message, "U1", "ana", {"i-ana"}, {"i-bo"})
    assert cleared is not None
    assert ids(cleared) == ["i-bo", "i-cy"]
    assert [b["type"] for b in cleared["blocks"]].count("actions") == 3  # ana's went with her
    assert "shared by bo · :+1: 1\n" in str(cleared["blocks"][3]["text"]["text"])


def test_a_digest_with_the_fatigue_line_still_clears() -> None:
    # The "monthly from now on" line is a section with a button but no item: read back, it is
    # neither an item nor a reason to delete the whole digest.
    view = DigestView(
        "Your Serendip digest",
        (DigestSection("For you", (ANA, BO)),),
        notice="We'll send this monthly from now on.",
    )
    cleared = without_person_blocks(build_digest(view), "U1", "ana", {"i-ana"}, set())
    assert cleared is not None
    assert ids(cleared) == ["i-bo"]
    assert [b.get("block_id") for b in cleared["blocks"]].count("digest_notice") == 1
