"""Block Kit of /til, /ask and /find: within Slack's limits, with every user text inert."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.routing import build_expert_dm, why_line
from bot.store import Hit, Question, Reason, Reply
from handlers.blocks.ask import (
    build_answer_thanks,
    build_best_answer_note,
    build_chooser,
    build_claim_note,
    build_question_card,
    build_suggestions,
    build_til_card,
)
from handlers.blocks.find import PAGE, Shown, build_find_results, hit_blocks, parse_more
from localslack.blockkit import check_blocks, check_message

# Both forms: Slack's markup, and what a person typing "<!channel>" sends (should_escape).
HOSTILE = (
    "<!channel> <@U999> <https://evil.example|click> & *bold* "
    "&lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.example|x&gt; " + "x" * 5000
)


def question(anon: bool = False) -> Question:
    return Question(
        "q1",
        "T1",
        "U1",
        anon,
        HOSTILE,
        "open",
        "C1",
        "1.0",
        False,
        1.0,
        1.0,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )


def shown_texts(payload: object) -> list[str]:
    """Every text Slack renders (button values are data, never rendered)."""
    if isinstance(payload, dict):
        own = [payload["text"]] if isinstance(payload.get("text"), str) else []
        return own + [t for k, v in payload.items() if k != "value" for t in shown_texts(v)]
    if isinstance(payload, list):
        return [t for v in payload for t in shown_texts(v)]
    return []


def assert_inert(payload: object) -> None:
    text = "\n".join(shown_texts(payload))
    assert text
    for live in ("<!channel>", "<@U999>", "<https://evil.example"):
        assert live not in text


def assert_valid(message: dict[str, object], limit: int = 50) -> None:
    assert check_message(message.get("text"), message.get("blocks"), None) is None
    assert check_blocks(message.get("blocks"), limit) is None


def test_cards_and_dms_are_inert_and_within_limits() -> None:
    messages = [
        build_til_card(HOSTILE, "<!here> ana"),
        build_question_card(question(), HOSTILE),
        build_question_card(replace(question(True), status="answered"), None),
        build_expert_dm(question(), HOSTILE, "https://x.slack.com/p1|x>", 3),
        build_expert_dm(question(), HOSTILE, None, 3, why_line(Reason("shared", HOSTILE))),
        build_best_answer_note("<!everyone>"),
        build_question_card(replace(question(), status="answered", best_text=HOSTILE), HOSTILE),
        build_question_card(
            replace(question(), status="answered", best_text=HOSTILE), HOSTILE, HOSTILE
        ),
        build_answer_thanks(HOSTILE, 15, "https://x.slack.com/p1|x>"),
        build_claim_note(HOSTILE),
    ]
    for message in messages:
        assert_valid(message)
        assert_inert(message["blocks"])


def test_answered_card_shows_the_first_lines_and_who() -> None:
    answered = replace(question(), status="answered", best_text="one\n\ntwo\nthree\nfour")
    [*_, block] = build_question_card(answered, "ana", "bo")["blocks"]
    assert block["text"]["text"].endswith(
        "*Answered* by bo, the best answer in the thread:\n>one\n>two\n>three\u2026"
    )


def test_why_lines() -> None:
    assert why_line(Reason("shared", "PostgreSQL: Using *EXPLAIN*")) == (
        "you shared *PostgreSQL: Using EXPLAIN*"
    )
    assert why_line(Reason("answered", "WAL")) == "you answered a question about WAL"
    assert why_line(Reason("voted", "a   long\nline")) == "you found *a long line* useful"
    assert why_line(None) is None


def test_anonymous_card_names_nobody() -> None:
    card = build_question_card(question(True), "zelda")
    assert "zelda" not in json.dumps(card)
    assert "U1" not in json.dumps(card["blocks"])
    dm = build_expert_dm(question(True), "zelda", None, 3)
    assert "zelda" not in json.dumps(dm)
    assert "anonymously" in json.dumps(dm["blocks"])


def test_chooser_keeps_to_50_blocks_with_many_replies() -> None:
    replies = [Reply("C1", "1.0", f"{n}.5", "U2", HOSTILE, float(n)) for n in range(120)]
    chooser = build_chooser(replace(question(True), best_ts="119.5"), replies, {"U2": "<!here>"})
    assert_valid(chooser)
    assert_inert(chooser)
    values = [b["accessory"]["value"] for b in chooser["blocks"] if "accessory" in b]
    assert len(values) == 39
    assert all(len(v) <= 2000 for v in values)


def hit(n: int, kind: str = "link") -> Shown:
    found = Hit(
        f"i{n}",
        kind,
        f"https://e.example/{n}|<!channel>",
        HOSTILE,
        HOSTILE,
        "U1",
        "C1",
        "1.0",
        n,
        1.0,
        answer=HOSTILE,
        answerer="U2",
    )
    return Shown(found, "<@U3>", "<!here>", "https://x.slack.com/archives/C1/p1")


def test_find_results_pages_and_limits() -> None:
    kinds = ["link", "learning", "question", "link", "link"][:PAGE]
    page = build_find_results(HOSTILE, [hit(n, k) for n, k in enumerate(kinds)], 0, 12)
    assert_valid(page)
    assert_inert(page)
    [more] = [e for b in page["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(more["value"]) <= 2000
    assert parse_more(more["value"]) == (HOSTILE[:1500], 5)
    for odd in ("ü" * 1800, '"\\' * 900, "日本語" * 700):
        [button] = [
            e
            for b in build_find_results(odd, [hit(1)], 0, 9)["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        ]
        assert len(button["value"]) <= 2000
        assert parse_more(button["value"]) is not None
    last = build_find_results("q", [hit(1)], 10, 11)
    assert not [b for b in last["blocks"] if b["type"] == "actions"]
    for bad in (
        "",
        "{}",
        '{"q": "", "o": 1}',
        '{"q": "x", "o": -1}',
        '{"q": "x", "o": "a"}',
        "[1]",
    ):
        assert parse_more(bad) is None
    suggestions = build_suggestions("q1", [b for n in range(3) for b in hit_blocks(hit(n))])
    assert_valid(suggestions)
