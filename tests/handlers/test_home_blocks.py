"""The Home builders: Slack's limits, and nothing a person wrote can ping or link anyone."""

from __future__ import annotations

import json
from typing import Any

from bot.models import ForgetResult
from bot.store import PersonCounts
from handlers.blocks.home import (
    HomeData,
    Settings,
    ShownItem,
    ShownQuestion,
    build_home,
    fit,
    forgotten_notice,
    link,
)
from handlers.blocks.modals import build_find_modal, build_find_results, build_forget_modal
from localslack.blockkit import VIEW_BLOCKS, check_view

NASTY = "<!channel> & <@U9> <https://evil.example|click> *bold*"
COUNTS = PersonCounts(1, 2, 3, 4, 5, 6, 7)


def item(n: int, text: str = "text", **kw: Any) -> ShownItem:
    fields: dict[str, Any] = {
        "item_id": f"i{n}",
        "kind": "learning",
        "url": None,
        "title": None,
        "text": text,
        "votes": n,
    }
    return ShownItem(**{**fields, **kw})


def data(**kw: Any) -> HomeData:
    base: dict[str, Any] = {
        "settings": Settings("daily", False, False),
        "counts": COUNTS,
        "mine": [],
        "top": [],
        "questions": [],
    }
    return HomeData(**{**base, **kw})


def mrkdwn(view: dict[str, Any]) -> list[str]:
    """Every mrkdwn text of a view."""
    out = []
    for block in view["blocks"]:
        for part in [block.get("text"), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                out.append(part["text"])
    return out


def test_home_within_slacks_limits_however_much_there_is() -> None:
    long = "word " * 5000
    many = [item(n, long, title=long, url="https://a.example/" + "x" * 3000) for n in range(200)]
    questions = [ShownQuestion(long, long, "https://slack.example/p1")] * 200
    view = build_home(data(mine=many, top=many, questions=questions, notice=long))
    assert len(view["blocks"]) == VIEW_BLOCKS
    assert "left out" in json.dumps(view["blocks"][-1])
    assert all(len(text) <= 3000 for text in mrkdwn(view))
    assert check_view(view, ("home",)) is None


def test_user_text_is_escaped_everywhere() -> None:
    view = build_home(
        data(
            mine=[item(1, NASTY, deletable=True)],
            top=[item(2, NASTY, kind="link", title=NASTY, url="https://ok.example/?a=1&b=2")],
            questions=[ShownQuestion(NASTY, NASTY, None)],
        )
    )
    texts = "\n".join(mrkdwn(view))
    for raw in ("<!channel>", "<@U9>", "<https://evil", " & "):
        assert raw not in texts
    assert "&lt;!channel&gt; &amp; &lt;@U9&gt;" in texts
    assert "<https://ok.example/?a=1&amp;b=2|" in texts  # our own link, with & escaped
    results = "\n".join(mrkdwn(build_find_results(NASTY, [item(3, NASTY, sharer=NASTY)])))
    assert "<!channel>" not in results
    assert "shared by &lt;!channel&gt; &amp;" in results


def test_links_only_for_web_addresses() -> None:
    assert link("https://a.example/x|y", "A") == "<https://a.example/x%7Cy|A>"
    assert link("javascript:alert(1)", "A") == "A"
    assert link(None, "A") == "A"
    assert link("https://a.example/ x", "A") == "A"


def test_anonymous_questions_never_name_the_asker() -> None:
    view = build_home(
        data(questions=[ShownQuestion("why?", None, None), ShownQuestion("how?", "bo", None)])
    )
    texts = "\n".join(mrkdwn(view))
    assert "*why?*\nasked anonymously" in texts
    assert "*how?*\nasked by bo" in texts


def test_delete_buttons_only_on_deletable_items_and_settings_reflect_state() -> None:
    view = build_home(data(mine=[item(1, deletable=True), item(2)]))
    deletes = [
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == "home_delete_learning"
    ]
    assert deletes == ["i1"]
    dumped = json.dumps(view)
    assert '"action_id": "home_routing", "value": "on"' in dumped  # routing is off: turn it on
    assert '"value": "out"' in dumped
    assert "Opt back in" not in dumped
    opted = json.dumps(build_home(data(settings=Settings("weekly", True, True))))
    assert "Opt back in" in opted
    assert "opted out" in opted


def test_modals_are_valid_and_keep_the_query() -> None:
    for view in (build_find_modal(), build_forget_modal(), build_find_results("q", [])):
        assert check_view(view, ("modal",)) is None
    found = build_find_results("kafka", [item(1, "kafka notes", sharer="ana")])
    assert found["blocks"][0]["element"]["initial_value"] == "kafka"
    assert "shared by ana · 1 vote" in json.dumps(found, ensure_ascii=False)
    assert "Nothing found for *zzz*" in json.dumps(build_find_results("zzz", []))
    assert build_forget_modal()["callback_id"] == "forget_me_modal"


def test_fit_and_notice() -> None:
    blocks = [{"type": "divider"}] * 150
    assert len(fit(blocks)) == 100
    assert fit(blocks[:3]) == blocks[:3]
    notice = forgotten_notice(ForgetResult(1, 2, 0, 0), 3)
    assert notice.startswith("Done. Deleted 1 share, 2 votes, 0 flags and 3 posts")
