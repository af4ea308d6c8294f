"""Reading Slack markup: links, learnings, !nda, readable text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slacktext import (
    escape,
    find_links,
    marks_nda,
    mentioned_users,
    parse_message,
    readable,
    rich_text_markup,
)
from tests.support.nda import MARKED_BLOCKS, MARKED_TEXTS, UNMARKED_TEXTS, text_element


def test_links_from_text_and_labels() -> None:
    text = "see <https://a.com/x|this> and <http://www.b.com|www.b.com> and <mailto:x@y.z|mail>"
    assert [link.url for link in find_links(text)] == ["https://a.com/x", "http://www.b.com/"]


def test_escaped_ampersand_in_url_is_unescaped() -> None:
    links = find_links("<https://a.com/?x=1&amp;y=2>")
    assert links[0].url == "https://a.com/?x=1&y=2"


def test_unfurl_attachment_adds_title_and_link() -> None:
    att = [
        {"from_url": "https://c.com/p", "title": "A &amp; B", "text": "desc", "service_name": "C"}
    ]
    links = find_links("<https://c.com/p>", att)
    assert len(links) == 1
    assert (links[0].title, links[0].description, links[0].site_name) == ("A & B", "desc", "C")
    only_attachment = find_links("no link in text", [{"original_url": "https://d.com"}])
    assert [link.url for link in only_attachment] == ["https://d.com/"]


def test_duplicate_links_are_one() -> None:
    assert len(find_links("<https://a.com/x?utm_source=1> <https://A.com/x>")) == 1


def test_many_links_are_capped_not_fatal() -> None:
    text = " ".join(f"<https://site{i}.example/>" for i in range(500))
    assert len(find_links(text)) == 200


@pytest.mark.parametrize(
    "text",
    [
        "TIL python has walrus",
        "til: x",
        "*TIL* something",
        "_TIL_ x",
        "  TIL",
        "Til — x",
        "I learned #til today",
        "note #learned",
        "see <#C123|til>",
        "<#C9|LEARNED> yes",
        "<@UBOT> TIL the bot's mention may come first",
        "<@UBOT|serendip>: til x",
        "<@UBOT>, <@W2> *TIL* two mentions",
        "<@UBOT>TIL",
    ],
)
def test_learnings(text: str) -> None:
    assert parse_message(text).learning


@pytest.mark.parametrize(
    "text",
    [
        "TILapia recipe",
        "until then",
        "a #tilde",
        "<https://x.com/#til>",
        "#tilted",
        "<#C1|general>",
        "<@UBOT> tilapia",
        "<@UBOT> thanks, TIL later",
        "<#C1|general> TIL",
        "<!here> TIL",
    ],
)
def test_not_learnings(text: str) -> None:
    assert not parse_message(text).learning


def test_unnamed_channel_reference_is_reported_for_lookup() -> None:
    parsed = parse_message("see <#C42|> and <#C43>")
    assert not parsed.learning
    assert parsed.unnamed_channels == ("C42", "C43")


@pytest.mark.parametrize("text", ["!nda draft <https://x.com>", *MARKED_TEXTS])
def test_nda(text: str) -> None:
    assert marks_nda(text)
    assert parse_message(text).nda
    assert parse_message(f"before {text} after").nda


@pytest.mark.parametrize("text", ["!ndafoo <https://x.com/!nda>", *UNMARKED_TEXTS])
def test_not_nda(text: str) -> None:
    assert not marks_nda(text)
    assert not parse_message(text).nda


@pytest.mark.parametrize("blocks", MARKED_BLOCKS)
def test_nda_said_in_blocks(blocks: list[dict[str, Any]]) -> None:
    assert parse_message("", blocks=blocks).nda
    assert parse_message("a fallback text without the mark", blocks=blocks).nda
    assert parse_message(rich_text_markup(blocks), blocks=blocks).nda


def test_blocks_without_the_mark() -> None:
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        text_element("the agenda"),
                        {"type": "link", "url": "https://x.com/!nda"},
                    ],
                }
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": "!ndafoo"}},
    ]
    assert not parse_message("", blocks=blocks).nda


def test_readable_text() -> None:
    text = "&lt;b&gt; <https://a.com|label> <https://b.com> <@U1> <@U2|bob> <#C1|gen> <!here> &amp;"
    names = {"U1": "ana"}
    assert readable(text, names.get) == "<b> label https://b.com @ana @bob #gen @here &"
    assert readable("<@U9>") == "@U9"
    assert readable("<!subteam^S1|@team> <!date^1^{date}|Jan 1>") == "@team Jan 1"


def test_escape_makes_pings_inert() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_mentions() -> None:
    assert mentioned_users("<@U1> <@W2|x> <#C1> <@U1>") == ("U1", "W2")


@given(st.text(max_size=2000))
def test_parse_never_raises(text: str) -> None:
    parsed = parse_message(text, [{"from_url": text}])
    assert isinstance(parsed.learning, bool)
    readable(text)


def rich(*parts: object) -> list[dict[str, object]]:
    return [{"type": "rich_text", "block_id": "b1", "elements": list(parts)}]


def section(*elements: object) -> dict[str, object]:
    return {"type": "rich_text_section", "elements": list(elements)}


def link(url: str, text: str | None = None) -> dict[str, object]:
    found: dict[str, object] = {"type": "link", "url": url}
    return found | ({"text": text} if text else {})


def test_links_only_in_rich_text_blocks() -> None:
    blocks = rich(
        section({"type": "text", "text": "see "}, link("https://A.com/s?utm_source=x", "s")),
        {"type": "rich_text_list", "style": "bullet", "elements": [section(link("https://l.com"))]},
        {"type": "rich_text_quote", "elements": [link("https://q.com/")]},
        {"type": "rich_text_preformatted", "elements": [link("https://p.com/")]},
        section(link("mailto:a@b.com"), {"type": "date", "url": "https://d.com/", "fallback": "x"}),
    )
    found = [lnk.url for lnk in find_links("", blocks=blocks)]
    assert found == ["https://a.com/s", "https://l.com/", "https://q.com/", "https://p.com/"]


def test_a_link_in_text_and_blocks_is_one_and_keeps_its_unfurl() -> None:
    unfurl = [{"from_url": "https://a.com/x", "title": "A"}]
    links = find_links("<https://a.com/x|x>", unfurl, rich(section(link("https://a.com/x#y"))))
    assert [(lnk.url, lnk.title) for lnk in links] == [("https://a.com/x", "A")]


@pytest.mark.parametrize(
    "blocks",
    [
        "not a list",
        [None, 3, "x", {"type": "rich_text"}, {"type": "rich_text", "elements": "x"}],
        rich(None, {"type": ["odd"]}, section(None, {"type": "link", "url": 5}, {"type": {}})),
        rich({"type": "rich_text_list", "elements": [{"type": "rich_text_list"}]}),
    ],
)
def test_malformed_blocks_give_nothing(blocks: Any) -> None:
    assert find_links("", blocks=blocks if isinstance(blocks, list) else []) == ()
    assert rich_text_markup(blocks if isinstance(blocks, list) else []) == ""


def test_rich_text_as_markup() -> None:
    blocks = rich(
        section(
            {"type": "user", "user_id": "U1"},
            {"type": "text", "text": " TIL a<b & "},
            link("https://a.com/?x=1&y=2", "this"),
            {"type": "channel", "channel_id": "C1"},
            {"type": "emoji", "name": "tada"},
            {"type": "broadcast", "range": "here"},
            {"type": "user", "user_id": "U1|fake"},
        ),
        {"type": "rich_text_quote", "elements": [{"type": "text", "text": "!nda"}]},
    )
    markup = rich_text_markup(blocks)
    assert (
        markup == "<@U1> TIL a&lt;b &amp; <https://a.com/?x=1&amp;y=2|this><#C1>:tada:<!here>\n!nda"
    )
    parsed = parse_message(markup, blocks=blocks)
    assert (parsed.learning, parsed.nda) == (True, True)
    assert [lnk.url for lnk in parsed.links] == ["https://a.com/?x=1&y=2"]


NAMES = ["type", "elements", "url", "text", "user_id", "rich_text", "rich_text_section", "link"]
ODD_JSON = st.recursive(
    st.none() | st.integers() | st.sampled_from(NAMES) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)
    ),
    max_leaves=40,
)


@given(ODD_JSON)
def test_odd_blocks_never_raise(blocks: Any) -> None:
    found = blocks if isinstance(blocks, list) else [blocks]
    parse_message(rich_text_markup(found), blocks=found)


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.slack.com/archives/C0123ABC/p1700000000000100",
        "https://Acme.Slack.com/archives/C1/p1700000000000100?thread_ts=1700000000.000100&cid=C1",
        "https://acme.enterprise.slack.com/archives/G1/p1",
        "https://zerosandbox.slack.com/archives/general/p1473295208000018",
        "http://slack.com/archives/C1/p1700000000000100",
    ],
)
def test_permalinks_are_no_links(url: str) -> None:
    assert find_links(f"see <{url}>", [{"from_url": url}], rich(section(link(url)))) == ()


@pytest.mark.parametrize(
    "url",
    [
        "https://slack.com/help/articles/220556107",
        "https://api.slack.com/methods/chat.postMessage",
        "https://notslack.com/archives/C1/p1700000000000100",
        "https://a.com/x.slack.com/archives/C1/p1",
        "https://acme.slack.com/archives/C1",
    ],
)
def test_other_links_to_slack_are_links(url: str) -> None:
    assert len(find_links(f"<{url}>")) == 1


@pytest.mark.parametrize(
    "flags", [{"is_msg_unfurl": True}, {"is_share": True}, {"is_share": 1, "is_msg_unfurl": False}]
)
def test_a_shared_message_is_no_link_and_feeds_no_other_link(flags: dict[str, object]) -> None:
    shared = {
        **flags,
        "from_url": "https://b.com/",
        "original_url": "https://c.com/",
        "title_link": "https://d.com/",
        "title": "Quoted",
        "text": "another message's words",
        "service_name": "Someone",
    }
    links = find_links("<https://b.com/>", [shared])
    assert [(lnk.url, lnk.title, lnk.description, lnk.site_name) for lnk in links] == [
        ("https://b.com/", None, None, None)
    ]
