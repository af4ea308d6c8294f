"""'Useful' on a digest shows that you voted, and choosing it again undoes it (issue 15); it
and 'Less like this' sit in each item's menu, which takes no row of its own."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from jobs.digest_blocks import VOTED
from jobs.digest_readback import without_person_blocks
from tests.support.bot import Env
from tests.support.digests import choose, digest_in, item_ids, send_now


def menus(message: dict[str, Any]) -> dict[str, list[str]]:
    """Each item's menu choices, by item id."""
    return {
        str(b["accessory"]["options"][0]["value"]).partition(":")[2]: [
            str(o["text"]["text"]) for o in b["accessory"]["options"]
        ]
        for b in message["blocks"]
        if b.get("accessory", {}).get("action_id") == "digest_item"
    }


def marked(message: dict[str, Any]) -> list[str]:
    """The items whose first line says the reader found them useful."""
    return [
        str(b["accessory"]["options"][0]["value"]).partition(":")[2]
        for b in message["blocks"]
        if "accessory" in b and b["text"]["text"].split("\n")[0].endswith(VOTED)
    ]


async def votes_of(env: Env, item_id: str) -> str:
    return str({i["id"]: i for i in await env.items()}[item_id]["votes"])


async def test_useful_shows_the_vote_and_choosing_it_again_undoes_it(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U2", "C1", "two <https://two.example/b>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")
    await env.settle()
    await send_now(env)
    message: dict[str, Any] = digest_in(env, "U1")
    assert [b["type"] for b in message["blocks"]].count("actions") == 1  # settings alone
    first, second = item_ids(message)
    await choose(env, "U1", "U1", message, f"useful:{first}")
    assert "U1" in await votes_of(env, first)
    shown = digest_in(env, "U1")
    assert menus(shown) == {
        first: ["Undo Useful ✓", "Less like this"],
        second: ["Useful", "Less like this"],
    }
    assert marked(shown) == [first]
    await choose(env, "U1", "U1", shown, f"useful:{first}")
    assert "U1" not in await votes_of(env, first)
    shown = digest_in(env, "U1")
    assert menus(shown) == {
        first: ["Useful", "Less like this"],
        second: ["Useful", "Less like this"],
    }
    assert marked(shown) == []
    # The marked layout still reads back for forget-me: the item is found by its menu.
    cleared = without_person_blocks(shown, "U2", None, {first}, set())
    assert cleared is not None
    assert item_ids(cleared) == [second]


async def test_in_a_channel_digest_the_answer_says_how_to_undo(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.settle()
    await send_now(env)
    message = digest_in(env, "C1")
    [item] = item_ids(message)
    for _ in range(2):
        await choose(env, "U1", "C1", message, f"useful:{item}")
    answers = [str(r.get("text")) for r in env.slack.responses]
    assert any("Choose Useful again to undo" in a for a in answers)
    assert any("Undone: your vote" in a for a in answers)
    assert "U1" not in await votes_of(env, item)
    assert "✓" not in str(digest_in(env, "C1")["blocks"])  # a shared message shows nobody's vote


async def test_less_like_this_from_the_menu_asks_site_or_person(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")  # U1 is active
    await env.settle()
    await send_now(env)
    message = digest_in(env, "U1")
    [item] = item_ids(message)
    await choose(env, "U1", "U1", message, f"less:{item}")
    [asked] = [r for r in env.slack.responses if "blocks" in r]
    assert "one.example" in str(asked["blocks"])
    assert await votes_of(env, item) == "[]"  # nothing voted, nothing lowered yet


async def test_forged_menu_values_do_nothing(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")  # U1 is active
    await env.settle()
    await send_now(env)
    message = digest_in(env, "U1")
    [item] = item_ids(message)
    for value in ("", "useful", "useful:", "delete:" + item, "x" * 200, f"useful:{'q' * 140}"):
        await choose(env, "U1", "U1", message, value)
    assert await votes_of(env, item) == "[]"
    assert all("Thanks" not in str(r.get("text")) for r in env.slack.responses)
    assert digest_in(env, "U1")["blocks"] == message["blocks"]


async def test_digests_sent_with_buttons_still_take_their_presses(env: Env) -> None:
    """A digest posted before the menu keeps its Useful button working (and showing)."""
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")  # U1 is active
    await env.settle()
    await send_now(env)
    message: dict[str, Any] = digest_in(env, "U1")
    [item] = item_ids(message)
    old = [
        {"type": "section", "text": b["text"]} if "accessory" in b else b for b in message["blocks"]
    ]
    button = {"type": "button", "action_id": "digest_useful", "value": item}
    old.insert(-1, {"type": "actions", "elements": [{**button, "text": _text("Useful")}]})
    dm = env.slack.dm_channel("U1")
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    await client.chat_update(channel=dm, ts=str(message["ts"]), blocks=old, text="d")
    await env.slack.block_action("U1", "digest_useful", item, dm, str(message["ts"]))
    await env.settle()
    assert "U1" in await votes_of(env, item)
    assert "Useful ✓" in str(digest_in(env, "U1")["blocks"])


def _text(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}
