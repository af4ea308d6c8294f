"""Capture of the shapes people's messages take beyond typed text: a learning addressed to the
bot, links only in rich_text blocks, permalinks and shared messages."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def kinds(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return sorted((str(i["kind"]), i["url"]) for i in items)


async def test_a_learning_may_start_with_the_bots_mention(env: Env) -> None:
    bot = env.slack.ident.bot_user_id
    # Arrives twice (as `message` and as `app_mention`): still one learning.
    msg = await env.slack.post_message("U1", "C1", f"<@{bot}> TIL sqlite has WAL <https://w.com/>")
    items = await env.items()
    assert kinds(items) == [("learning", "https://w.com/")]  # one item, carrying its link
    learning = next(i for i in items if i["kind"] == "learning")
    assert learning["shares"][0]["ts"] == msg["ts"]
    assert learning["text"].endswith("TIL sqlite has WAL https://w.com/")


def rich(*elements: dict[str, Any]) -> list[dict[str, Any]]:
    section = {"type": "rich_text_section", "elements": list(elements)}
    return [{"type": "rich_text", "block_id": "b1", "elements": [section]}]


async def test_links_only_in_rich_text_blocks(env: Env) -> None:
    slack = env.slack
    quote = {"type": "rich_text_quote", "elements": [{"type": "link", "url": "https://q.com/"}]}
    blocks = rich({"type": "text", "text": "read "}, {"type": "link", "url": "https://A.com/x"})
    msg = await slack.post_blocks("U1", "C1", [*blocks, {"type": "rich_text", "elements": [quote]}])
    # Text and blocks carrying one link, and a TIL and a !nda said only in blocks.
    await slack.post_message(
        "U1",
        "C1",
        "<https://a.com/x|x>",
        blocks=rich({"type": "link", "url": "https://a.com/x?utm_medium=y", "text": "x"}),
    )
    await slack.post_blocks("U1", "C1", rich({"type": "text", "text": "TIL blocks"}))
    await slack.post_blocks(
        "U1",
        "C1",
        rich({"type": "text", "text": "!nda "}, {"type": "link", "url": "https://secret.com/"}),
    )
    await slack.post_blocks("U1", "C1", rich({"type": "link", "url": 7}, {"type": ["odd"]}))
    items = await env.items()
    assert kinds(items) == [
        ("learning", None),
        ("link", "https://a.com/x"),
        ("link", "https://q.com/"),
    ]
    link = next(i for i in items if i["url"] == "https://a.com/x")
    assert [s["ts"] for s in link["shares"]][:1] == [msg["ts"]]
    assert len(link["shares"]) == 2
    assert link["shares"][0]["text"] == "read https://A.com/x\nhttps://q.com/"


async def test_saving_a_message_said_in_blocks_alone(env: Env) -> None:
    slack = env.slack
    said = await slack.post_blocks("U1", "C1", rich({"type": "text", "text": "tea is old"}))
    secret = await slack.post_blocks("U1", "C1", rich({"type": "text", "text": "!nda plans"}))
    await slack.add_reaction("U2", "C1", said["ts"], "bookmark")
    await slack.add_reaction("U2", "C1", secret["ts"], "bookmark")
    await env.settle()
    [kept] = await env.store.bookmarks(env.team, "U2")  # privately, and not the !nda one
    assert kept.text == "tea is old"


async def test_shared_messages_and_permalinks_are_no_link_items(env: Env) -> None:
    slack = env.slack
    original = await slack.post_message("U1", "C1", "read <https://a.com/post>")
    await env.settle()
    shared = await slack.share_message("U2", "C2", "C1", original["ts"], "look at this")
    again = await slack.share_message("U1", "C2", "C1", original["ts"])
    [quote] = shared["attachments"]
    assert (quote["is_share"], quote["channel_id"], quote["ts"]) == (True, "C1", original["ts"])
    # A pasted permalink, unfurled by Slack, beside a real link with its own unfurl.
    pasted = await slack.post_message("U2", "C2", f"see <{quote['from_url']}> and <https://b.com/>")
    await slack.unfurl(
        "C2",
        pasted["ts"],
        [
            slack.message_unfurl("C1", original["ts"]),
            {"from_url": "https://b.com/", "title": "B", "service_name": "Bee"},
        ],
    )
    items = await env.items()
    # Forwarding, or pasting the permalink of, a message shares its link again (no new item).
    forwards = [original["ts"], shared["ts"], again["ts"], pasted["ts"]]
    assert [(i["url"], [s["ts"] for s in i["shares"]]) for i in items] == [
        ("https://a.com/post", forwards),
        ("https://b.com/", [pasted["ts"]]),
    ]
    b = items[1]
    assert (b["title"], b["site_name"], b.get("description")) == ("B", "Bee", None)
