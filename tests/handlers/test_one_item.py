"""One item per thing, through the real bot: a learning with a link is one story in /find,
Home and digests; `www.` and bare spellings of one page are one item with both shares."""

from __future__ import annotations

import json

from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now
from tests.support.find import find, result_texts
from tests.support.home import open_home

TIL = "**TIL* walrus tusks keep growing* #til <https://www.tusks.example/a>"


async def test_a_til_with_a_link_is_one_story_in_find_home_and_digests(env: Env) -> None:
    await env.slack.post_message("U1", "C1", TIL)
    [item] = await env.items()
    assert (item["kind"], item["url"]) == ("learning", "https://www.tusks.example/a")

    [result] = result_texts(await find(env, "U2", "walrus"))
    # Its words name it, without the tag and with no mark that could break the bold around it.
    named = "TIL walrus tusks keep growing tusks.example"  # a raw URL shows as its site
    assert result.startswith(f"*<https://www.tusks.example/a|{named}>*")
    assert "#til" not in result

    home = await open_home(env, "U1")  # the sharer's Home lists what they shared
    assert home.count("walrus tusks keep growing") == 1
    assert "#til" not in home
    assert "**TIL" not in home

    await send_now(env)
    digest = digest_in(env, "C1")
    assert item_ids(digest) == [item["id"]]
    shown = json.dumps(digest["blocks"])
    assert shown.count("walrus tusks keep growing") == 1
    assert "#til" not in shown


async def test_www_and_bare_shares_are_one_item_keeping_the_first_spelling(env: Env) -> None:
    for user, channel, text in (
        ("U1", "C1", "talk <https://www.youtube.com/watch?v=42>"),
        ("U2", "C2", "same talk <https://youtube.com/watch?v=42>"),
        ("U3", "C1", "bare first <https://talks.example/t>"),
        ("U1", "C2", "then www <https://www.talks.example/t>"),
    ):
        await env.slack.post_message(user, channel, text)
        await env.settle()  # the bot sees them in this order
    items = {i["url"]: i for i in await env.items()}
    assert sorted(items) == ["https://talks.example/t", "https://www.youtube.com/watch?v=42"]
    for url, sharers in (
        ("https://www.youtube.com/watch?v=42", ["U1", "U2"]),
        ("https://talks.example/t", ["U3", "U1"]),
    ):
        assert [s["user"] for s in items[url]["shares"]] == sharers
    [result] = result_texts(await find(env, "U3", "youtube"))  # one result, not two
    assert result.startswith("*<https://www.youtube.com/watch?v=42|youtube.com>*")


async def test_a_learning_edited_to_drop_its_tag_becomes_its_link(env: Env) -> None:
    message = await env.slack.post_message("U1", "C1", "TIL <https://edit.example/> matters")
    [learning] = await env.items()
    assert learning["kind"] == "learning"
    await env.slack.edit_message("C1", message["ts"], "<https://edit.example/> matters")
    [link] = await env.items()
    assert (link["kind"], link["url"]) == ("link", "https://edit.example/")
