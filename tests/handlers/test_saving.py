"""Keeping someone's message: a private bookmark, or a learning once its author agrees."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tests.support.bot import Env
from tests.support.find import find, result_texts
from tests.support.home import open_home
from tests.support.rawdb import raw


def bot_messages(env: Env, user: str) -> list[dict[str, Any]]:
    return [m for m in env.slack.messages(env.slack.dm_channel(user)) if m.get("bot_id")]


async def ask_to_save(env: Env, saver: str, author: str, text: str) -> dict[str, Any]:
    """`saver` uses Save to Serendip on `author`'s message; returns the DM asking the author."""
    msg = await env.slack.post_message(author, "C1", text)
    await env.slack.message_shortcut(saver, "C1", msg["ts"], "save_to_serendip")
    await env.settle()
    [ask] = bot_messages(env, author)
    return ask


async def answer(env: Env, user: str, ask: dict[str, Any], action_id: str) -> None:
    value = ask["blocks"][1]["elements"][0]["value"]
    await env.slack.block_action(
        user, action_id, value, channel=env.slack.dm_channel(user), message_ts=ask["ts"]
    )
    await env.settle()


async def test_saving_someone_elses_message_asks_them_and_share_it_saves(env: Env) -> None:
    ask = await ask_to_save(env, "U2", "U1", "retries need &lt;jitter&gt; &amp; backoff")
    assert ask["text"] == "bo wants to keep your message as a learning for the team"
    assert "&lt;jitter&gt; &amp; backoff" in str(ask["blocks"][0])
    labels = [e["text"]["text"] for e in ask["blocks"][1]["elements"]]
    assert labels == ["Share it", "No thanks"]
    assert await env.items() == []  # nothing recorded before the author agrees
    assert "I asked" in env.slack.responses[-1]["text"]
    value = ask["blocks"][1]["elements"][0]["value"]  # replayed by someone else: nothing
    dm = env.slack.dm_channel("U3")
    await env.slack.block_action(
        "U3", "save_request_share", value, channel=dm, container_type="ephemeral"
    )
    await env.settle()
    assert await env.items() == []
    await answer(env, "U1", ask, "save_request_share")
    [item] = await env.items()
    assert item["kind"] == "learning"
    assert item["shares"][0]["user"] == "U1"  # credited to the author
    assert item["votes"] == ["U2"]  # the saver's save is their vote
    assert "saved as a learning" in env.slack.responses[-1]["text"]  # the author's DM
    [told] = bot_messages(env, "U2")
    assert "agreed" in told["text"]


async def test_a_forged_request_credits_nobody(env: Env) -> None:
    """The author edits the button's value to name another saver (a fake endorsement)."""
    ask = await ask_to_save(env, "U2", "U1", "deploys go out on tuesdays")
    value = json.loads(ask["blocks"][1]["elements"][0]["value"])
    for forged in ({**value, "s": "U3"}, {**value, "m": "0" * 32}, {k: value[k] for k in "cts"}):
        await env.slack.block_action(
            "U1",
            "save_request_share",
            json.dumps(forged),
            channel=env.slack.dm_channel("U1"),
            message_ts=ask["ts"],
        )
        await env.settle()
        assert "no longer valid" in env.slack.responses[-1]["text"]
    assert await env.items() == []
    assert bot_messages(env, "U3") == []
    assert bot_messages(env, "U2") == []


async def test_no_thanks_keeps_nothing_and_tells_the_saver_gently(env: Env) -> None:
    ask = await ask_to_save(env, "U2", "U1", "a half-formed thought")
    await answer(env, "U1", ask, "save_request_decline")
    assert await env.items() == []
    assert "nothing was kept" in env.slack.responses[-1]["text"].lower()
    [told] = bot_messages(env, "U2")
    assert "prefers not to" in told["text"]
    assert "No need to do anything" in told["text"]


async def test_a_message_that_may_not_be_kept_asks_nobody(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "plans !nda")
    await env.slack.message_shortcut("U2", "C1", msg["ts"], "save_to_serendip")
    await env.settle()
    assert not bot_messages(env, "U1")
    assert "can't be saved" in env.slack.responses[-1]["text"]


async def test_bookmarks_show_in_saved_on_home_and_in_own_find_only(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "the zebra deploy trick")
    await env.slack.add_reaction("U2", "C1", msg["ts"], "bookmark")
    await env.settle()
    home = await open_home(env, "U2")
    assert "Saved" in home
    assert "the zebra deploy trick" in home
    assert "by ana" in home
    assert "the zebra deploy trick" not in await open_home(env, "U3")
    mine = await find(env, "U2", "zebra")
    assert "From your saved messages" in str(mine)
    assert "zebra deploy trick" in str(mine)
    theirs = await find(env, "U3", "zebra")
    assert "From your saved messages" not in str(theirs)
    assert "deploy trick" not in str(theirs)  # only the words U3 searched, offered to /ask
    assert not result_texts(theirs)


async def test_bookmarks_go_with_forget_me_and_with_the_deleted_message(env: Env) -> None:
    kept = await env.slack.post_message("U1", "C1", "kept for a while")
    gone = await env.slack.post_message("U3", "C1", "said and deleted")
    for msg in (kept, gone):
        await env.slack.add_reaction("U2", "C1", msg["ts"], "bookmark")
    await env.settle()
    assert len(await env.store.bookmarks(env.team, "U2")) == 2
    await env.slack.delete_message("C1", gone["ts"])
    await env.settle()
    [left] = await env.store.bookmarks(env.team, "U2")
    assert left.text == "kept for a while"
    await env.store.forget_person(env.team, "U1")  # the author's messages leave others' saves
    assert await env.store.bookmarks(env.team, "U2") == []


async def saved_by(env: Env, item_id: str) -> list[str | None]:
    """Who saved each share of an item (read from the database itself)."""

    def read(db: Database) -> list[str | None]:
        sql = "SELECT saved_by FROM shares WHERE item_id = ? ORDER BY rowid"
        return [row[0] for row in db.execute(sql, [item_id]).fetchall()]

    return raw(env.store, read)


async def test_saving_a_captured_link_keeps_one_item_and_counts_as_a_vote(env: Env) -> None:
    """Issue 15: one item per thing. A link shared in a channel, saved later, stays the link
    item: no second (learning) item, no question to its author, and the save is a vote."""
    msg = await env.slack.post_message("U2", "C1", "read this <https://wal.example/>")
    [link] = await env.items()
    for _ in range(2):  # a careless second save changes nothing
        await env.slack.message_shortcut("U1", "C1", msg["ts"], "save_to_serendip")
        await env.settle()
    [item] = await env.items()
    assert (item["id"], item["kind"]) == (link["id"], "link")
    assert item["votes"] == ["U1"]
    assert await saved_by(env, item["id"]) == ["U1"]
    assert bot_messages(env, "U2") == []  # its author is not asked: it is the team's already
    assert "Already in Serendip" in env.slack.responses[-1]["text"]
    assert "counts as your useful vote" in env.slack.responses[-1]["text"]
    assert "you saved this" in await open_home(env, "U1")


async def test_saving_your_own_captured_message_marks_it_without_a_vote(env: Env) -> None:
    til = await env.slack.post_message("U1", "C1", "TIL sqlite has WAL mode")
    link = await env.slack.post_message("U1", "C1", "two <https://a.example/> <https://b.example/>")
    before = await env.items()
    for msg in (til, link):
        await env.slack.message_shortcut("U1", "C1", msg["ts"], "save_to_serendip")
        await env.settle()
        assert "captured when you posted it" in env.slack.responses[-1]["text"]
    after = await env.items()
    assert [(i["id"], i["kind"], i["votes"]) for i in after] == [
        (i["id"], i["kind"], []) for i in before
    ]
    assert len(after) == 3  # the learning and the message's two links: nothing new
    for item in after:
        assert await saved_by(env, item["id"]) == ["U1"]


async def test_a_message_captured_before_its_author_agrees_stays_one_item(env: Env) -> None:
    ask = await ask_to_save(env, "U2", "U1", "pagers are loud")
    assert await env.items() == []
    [msg] = [m for m in env.slack.messages("C1") if m.get("user") == "U1"]
    await env.slack.edit_message("C1", msg["ts"], "pagers are loud <https://pager.example/>")
    [link] = await env.items()  # the edit shared a link: captured
    await answer(env, "U1", ask, "save_request_share")
    [item] = await env.items()
    assert (item["id"], item["kind"]) == (link["id"], "link")
    assert item["votes"] == ["U2"]
    assert await saved_by(env, item["id"]) == ["U2"]


async def test_saving_a_message_not_captured_still_makes_the_learning(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "good point about caching")
    await env.slack.message_shortcut("U1", "C1", msg["ts"], "save_to_serendip")
    await env.settle()
    [item] = await env.items()
    assert item["kind"] == "learning"
    assert env.slack.responses[-1]["text"] == "Saved to Serendip as a learning."
