"""The App Home tab with the real bot: published on open, and every button changes it."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from localslack.types import Ack
from tests.support.bot import Env
from tests.support.home import buttons, home, open_home, press, shown, texts


async def til(env: Env, user: str, channel: str, text: str) -> str:
    """Record a learning with /til; returns its item id."""
    before = {i["id"] for i in await env.items()}
    await env.slack.slash_command(user, channel, "/til", text)
    [new] = [
        i["id"] for i in await env.items() if i["kind"] == "learning" and i["id"] not in before
    ]
    return str(new)


def find_values(query: str) -> dict[str, Any]:
    return {"find_query": {"text": {"type": "plain_text_input", "value": query}}}


async def find(env: Env, user: str, query: str) -> Ack:
    await press(env, user, "home_search")
    return await env.slack.view_submission(user, "find_modal", find_values(query))


async def test_home_is_published_on_open_and_not_for_the_messages_tab(env: Env) -> None:
    shared = await env.slack.post_message("U1", "C1", "read <https://home.example/a>")
    await env.slack.add_reaction("U2", "C1", str(shared["ts"]), "+1")
    await env.settle()
    await env.slack.open_home("U1", tab="messages")
    await env.settle()
    assert "U1" not in env.slack.home_views
    text = await open_home(env, "U1")
    assert "https://home.example/a" in text
    assert "you shared this" in text
    assert "1 vote" in text
    assert "Top this week" in text
    assert "1 vote this week" in text
    assert "Your personal digest: *weekly*" in text
    assert "routed to you by `/ask`: *on*" in text
    assert "1 share," in text
    assert "Opt out" in text
    assert "Delete my data" in text
    assert len(home(env, "U1")["blocks"]) <= 100


async def test_cadence_and_routing_buttons_change_home(env: Env) -> None:
    await open_home(env, "U1")
    text = await press(env, "U1", "home_cadence_daily", "daily")
    assert await env.store.digest_cadence(env.team, "U1") == "daily"
    assert "Your personal digest: *daily*" in text
    assert buttons(env, "U1", "home_routing") == ["off"]
    text = await press(env, "U1", "home_routing", "off")
    assert not await env.store.routing(env.team, "U1")
    assert "routed to you by `/ask`: *off*" in text
    assert "Turn on" in text
    text = await press(env, "U1", "home_routing", "on")
    assert await env.store.routing(env.team, "U1")
    assert "*on*" in text


async def test_opt_out_toggle_and_opted_out_people_record_nothing(env: Env) -> None:
    await open_home(env, "U1")
    text = await press(env, "U1", "home_opt", "out")
    assert await env.store.opted_out(env.team, "U1")
    assert "Opt back in" in text
    assert "You are opted out" in text
    text = await press(env, "U1", "home_cadence_off", "off")
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"
    assert "You opted out" in text
    assert "Your personal digest: *weekly*" in text
    await press(env, "U1", "home_routing", "off")
    assert await env.store.routing(env.team, "U1")
    text = await press(env, "U1", "home_opt", "in")
    assert not await env.store.opted_out(env.team, "U1")
    assert "Opt out" in text
    assert "Welcome back" in text


async def test_delete_learning_only_for_its_author(env: Env) -> None:
    mine = await til(env, "U1", "C1", "TIL sqlite has WAL mode")
    await env.slack.post_message("U1", "C1", "a link <https://link.example/>")
    theirs = await env.slack.post_message("U2", "C1", "pagers are loud")
    await env.slack.message_shortcut("U1", "C1", str(theirs["ts"]), "save_to_serendip")
    await env.settle()
    dm = env.slack.dm_channel("U2")
    [ask] = [m for m in env.slack.messages(dm) if m.get("bot_id")]
    value = ask["blocks"][1]["elements"][0]["value"]
    await env.slack.block_action(  # U2 agrees: U1 saved it
        "U2", "save_request_share", value, channel=dm, message_ts=ask["ts"]
    )
    await env.settle()
    text = await open_home(env, "U1")
    assert "pagers are loud" in text
    assert "you saved this" in text
    assert buttons(env, "U1", "home_delete_learning") == [mine]  # not the link, not the saved
    [saved] = [i["id"] for i in await env.items() if i["text"] == "pagers are loud"]
    await open_home(env, "U2")
    text = await press(env, "U2", "home_delete_learning", mine)  # not U2's
    assert "Nothing deleted" in text
    assert mine in {i["id"] for i in await env.items()}
    await press(env, "U1", "home_delete_learning", saved)  # saved, but U2's learning
    assert saved in {i["id"] for i in await env.items()}
    text = await press(env, "U1", "home_delete_learning", mine)
    assert mine not in {i["id"] for i in await env.items()}
    assert "Deleted your learning" in text
    assert "WAL mode" not in text
    assert buttons(env, "U1", "home_delete_learning") == []


async def test_search_modal_answers_inside_the_modal(env: Env) -> None:
    # Typed literally, as Slack sends it: the stored text reads "<!channel> ... & pods".
    text = "TIL &lt;!channel&gt; kubernetes &amp; pods <@U3>"
    shared = await env.slack.post_message("U2", "C1", text)
    await env.slack.add_reaction("U3", "C1", str(shared["ts"]), "+1")
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    await env.slack.post_message("U1", "G1", "TIL kubernetes secrets live here")
    await env.settle()
    await open_home(env, "U1")
    ack = await find(env, "U1", "kubernetes")
    assert env.slack.modal_for("find_modal") is not None
    assert ack.body is not None
    assert ack.body["response_action"] == "update"
    result = texts(ack.body["view"]["blocks"])
    assert "kubernetes &amp; pods" in result
    assert "&lt;!channel&gt;" in result
    assert "shared by bo" in result
    assert "<@U2>" not in result
    assert "1 vote" in result
    assert "secrets" in result  # U1 is in #secret, so its learning is found for them
    assert env.slack.server_errors == []  # Slack took the updated modal
    modal = env.slack.modal_for("find_modal")
    assert modal is not None
    assert "kubernetes" in texts(modal["blocks"])
    await open_home(env, "U3")
    outside = await find(env, "U3", "kubernetes")
    assert outside.body is not None
    assert "secrets" not in texts(outside.body["view"]["blocks"])


async def test_search_with_no_result_says_so_and_records_no_gap(env: Env) -> None:
    await open_home(env, "U1")
    ack = await find(env, "U1", "zebra crossings")
    assert ack.body is not None
    assert "Nothing found" in texts(ack.body["view"]["blocks"])
    ack = await env.slack.view_submission("U1", "find_modal", find_values("?!"))
    assert ack.body is not None
    assert ack.body["response_action"] == "errors"
    await env.settle()
    conn = sqlite3.connect(env.config.db_path)
    try:
        gaps = [row[0] for row in conn.execute("SELECT query FROM knowledge_gaps")]
    finally:
        conn.close()
    assert gaps == []  # Home is no public channel: only /find there records knowledge gaps


async def _everything_about_u1(env: Env) -> None:
    mine = await env.slack.post_message("U1", "C1", "mine <https://mine.example/>")
    theirs = await env.slack.post_message("U2", "C1", "theirs <https://theirs.example/>")
    await env.slack.add_reaction("U1", "C1", str(theirs["ts"]), "star")
    await env.slack.add_reaction("U1", "C1", str(theirs["ts"]), "triangular_flag_on_post")
    await env.slack.add_reaction("U3", "C1", str(mine["ts"]), "+1")
    await env.store.create_question(env.team, "U1", False, "how do I deploy?", "C1")
    note = await env.slack.post_message("U2", "C1", "a plain note, kept by ana alone")
    await env.slack.add_reaction("U1", "C1", str(note["ts"]), "bookmark")
    await env.settle()


async def test_delete_my_data_asks_then_deletes_everything(env: Env) -> None:
    await _everything_about_u1(env)
    text = await open_home(env, "U1")
    assert "1 share, 0 saved items, 1 bookmarked message, 1 vote, 1 flag, 1 question" in text
    await press(env, "U1", "home_forget")
    modal = env.slack.modal_for("forget_me_modal")
    assert modal is not None
    assert "cannot be undone" in texts(modal["blocks"])
    assert len(await env.items()) == 2  # nothing deleted yet
    ack = await env.slack.view_submission("U1", "forget_me_modal", {})
    assert ack.status == 200
    await env.settle()
    counts = await env.store.person_counts(env.team, "U1")
    assert counts == type(counts)(0, 0, 0, 0, 0, 0, 0)
    items = await env.items()
    assert [i["url"] for i in items] == ["https://theirs.example/"]
    assert "U1" not in str(items)
    assert await env.store.opted_out(env.team, "U1")
    text = shown(env, "U1")
    assert "Done. Deleted 1 share" in text
    assert "0 shares" in text
    assert "Opt back in" in text


async def _question(env: Env, asker: str, channel: str, text: str, anon: bool = False) -> None:
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    card = await client.chat_postMessage(channel=channel, text=f"Question: {text}")
    question_id = await env.store.create_question(env.team, asker, anon, text, channel)
    assert await env.store.claim_question_post(question_id)
    await env.store.question_posted(
        question_id, channel, str(card["ts"]), channel[0] == "G", time.time()
    )


async def test_open_questions_hide_anonymous_askers_and_own_questions(env: Env) -> None:
    await _question(env, "U2", "C1", "who owns <!here> billing?", anon=True)
    await _question(env, "U2", "C1", "where is the VPN guide?")
    await _question(env, "U3", "C1", "my own question")
    text = await open_home(env, "U3")
    assert "who owns &lt;!here&gt; billing?" in text
    assert "asked anonymously" in text
    assert "where is the VPN guide?" in text
    assert "asked by bo" in text
    assert "my own question" not in text
    assert text.count("asked by bo") == 1  # the anonymous question never names its asker
    assert "open the thread" in text


async def test_private_channel_entries_never_show_to_non_members(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    inside = await env.slack.post_message("U1", "G1", "secret <https://inside.example/>")
    await env.slack.add_reaction("U2", "G1", str(inside["ts"]), "+1")
    await env.slack.post_message("U3", "C1", "open <https://both.example/>")
    also = await env.slack.post_message("U1", "G1", "also <https://both.example/>")
    await env.slack.add_reaction("U2", "G1", str(also["ts"]), "+1")  # a private vote
    await _question(env, "U2", "G1", "a private question")
    await env.settle()
    text = await open_home(env, "U3")
    assert "inside.example" not in text
    assert "a private question" not in text
    assert "secret" not in text
    assert "No votes this week yet" in text
    member = await open_home(env, "U1")
    assert "inside.example" in member
    assert "1 vote" in member
    assert "a private question" in member
    await env.slack.user_leaves("U1", "G1")
    await env.settle()
    after = await open_home(env, "U1")
    assert "inside.example" not in after
    assert "a private question" not in after
