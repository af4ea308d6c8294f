"""Capture of Slackbot's channel messages and of forwarded (shared) messages."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def shares(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(s["user"]), str(s["channel"])) for s in item["shares"]]


async def test_slackbot_in_a_channel_is_a_bot(env: Env) -> None:
    reminder = await env.slack.slackbot_post("C1", "Reminder: TIL read <https://remind.example/>")
    assert (reminder["user"], reminder.get("bot_id"), reminder.get("subtype")) == (
        "USLACKBOT",
        None,
        None,
    )
    await env.slack.slackbot_post("C1", "I learned <https://auto.example/> today")
    assert await env.items() == []  # neither a learning nor a link, nobody's share
    await env.slack.add_reaction("U2", "C1", reminder["ts"], "bookmark")
    await env.settle()
    assert await env.store.bookmarks(env.team, "U2") == []


async def test_forwarding_a_message_shares_its_public_items_again(env: Env) -> None:
    slack = env.slack
    original = await slack.post_message("U1", "C1", "TIL read <https://a.com/post>")
    await env.settle()  # captured before anyone forwards it
    await slack.share_message("U2", "C2", "C1", original["ts"], "worth it")
    await slack.share_message("U2", "G1", "C1", original["ts"])  # private capture is off in G1
    items = await env.items()
    # A learning with a link is one item: the forward shares that one item again.
    assert [(i["kind"], shares(i)) for i in items] == [("learning", [("U1", "C1"), ("U2", "C2")])]
    assert all(i["private"] is False for i in items)


async def test_forwarding_never_makes_a_private_item_public(env: Env) -> None:
    slack = env.slack
    await slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    secret = await slack.post_message("U1", "G1", "plan <https://secret.example/plan>")
    [item] = await env.items()
    assert item["private"] is True
    # Forwarding it into a public channel re-shares nothing of it.
    await slack.share_message("U1", "C2", "G1", secret["ts"], "fyi")
    [item] = await env.items()
    assert shares(item) == [("U1", "G1")]
    assert item["private"] is True
    # Nor do an opted-out author's items, or a `!nda` message's (never stored).
    kept = await slack.post_message("U2", "C1", "<https://kept.example/>")
    nda = await slack.post_message("U2", "C1", "<https://nda.example/> !nda")
    await slack.slash_command("U2", "C1", "/serendip", "optout")
    await env.settle()
    await slack.share_message("U1", "C2", "C1", kept["ts"])
    await slack.share_message("U1", "C2", "C1", nda["ts"])
    items = {i["url"]: i for i in await env.items()}
    assert set(items) == {"https://secret.example/plan", "https://kept.example/"}
    assert shares(items["https://kept.example/"]) == [("U2", "C1")]


async def test_a_forward_into_a_private_channel_is_a_private_share(env: Env) -> None:
    slack = env.slack
    await slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    original = await slack.post_message("U2", "C1", "<https://open.example/>")
    await env.settle()
    forward = await slack.share_message("U1", "G1", "C1", original["ts"])
    [item] = await env.items()
    assert shares(item) == [("U2", "C1"), ("U1", "G1")]
    assert item["private"] is False  # its first share is public
    stored = await env.store.shares_at(env.team, "G1", forward["ts"])
    assert [bool(s["is_private"]) for s in stored] == [True]


async def test_editing_to_nda_drops_bookmarks_of_the_message(env: Env) -> None:
    slack = env.slack
    plain = await slack.post_message("U1", "C1", "a plain remark")
    linked = await slack.post_message("U1", "C1", "see <https://x.example/>")
    await slack.add_reaction("U2", "C1", plain["ts"], "bookmark")
    await slack.add_reaction("U2", "C1", linked["ts"], "bookmark")
    await env.settle()
    assert len(await env.store.bookmarks(env.team, "U2")) == 2
    await slack.edit_message("C1", plain["ts"], "a plain remark !nda")
    await slack.edit_message("C1", linked["ts"], "see <https://x.example/> !nda")
    await env.settle()
    assert await env.store.bookmarks(env.team, "U2") == []
    assert await env.items() == []


async def test_a_forward_lasts_only_while_its_original_does(env: Env) -> None:
    slack = env.slack
    marked = await slack.post_message("U1", "C1", "<https://later-nda.example/>")
    deleted = await slack.post_message("U1", "C1", "<https://deleted.example/>")
    forgotten = await slack.post_message("U3", "C1", "<https://forgotten.example/>")
    await env.settle()
    for original in (marked, deleted, forgotten):
        await slack.share_message("U2", "C2", "C1", original["ts"], "see <https://own.example/>")
    assert len(await env.items()) == 4
    await slack.edit_message("C1", marked["ts"], "<https://later-nda.example/> !nda")
    await slack.delete_message("C1", deleted["ts"])
    await env.settle()
    await env.store.forget_person(env.team, "U3")
    # The forwards' own link stays; what they re-shared went with its original.
    [own] = await env.items()
    assert own["url"] == "https://own.example/"
    assert [s["user"] for s in own["shares"]] == ["U2", "U2", "U2"]
