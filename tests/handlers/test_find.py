"""/til cards and /find against the real bot and the local Slack (HTTP and Socket Mode)."""

from __future__ import annotations

import json

import pytest

from tests.support.bot import Env
from tests.support.find import find, last_response, result_texts

UNFURL = {
    "title": "Kafka partitions explained",
    "title_link": "https://kafka.example/p",
    "from_url": "https://kafka.example/p",
    "text": "How partitions scale consumers",
    "service_name": "Kafka Blog",
}


async def test_til_posts_a_card_others_can_vote_on(env: Env) -> None:
    text = "indexes <!channel> matter &amp; &lt;!here&gt; more"  # markup, and typed "<!here>"
    ack = await env.slack.slash_command("U1", "C1", "/til", text)
    assert "Saved your learning; posting it here" in str(ack.body)  # stored, then acknowledged
    await env.settle()
    [card] = [m for m in env.slack.messages("C1") if m.get("bot_id")]
    assert "Today I learned" in json.dumps(card["blocks"])
    assert "ana" in json.dumps(card["blocks"])
    for live in ("<!channel>", "<!here>"):
        assert live not in json.dumps(card)  # blocks and the notification text are inert
    [item] = await env.items()
    assert item["shares"][0]["ts"] == card["ts"]
    assert item["shares"][0]["user"] == "U1"
    await env.slack.add_reaction("U2", "C1", card["ts"], "+1")
    await env.slack.add_reaction("U1", "C1", card["ts"], "+1")  # the author's own: no vote
    [item] = await env.items()
    assert item["votes"] == ["U2"]


async def test_til_in_a_dm_or_a_channel_without_the_bot_is_stored_and_private(env: Env) -> None:
    dm = env.slack.dm_channel("U1")
    ack = await env.slack.slash_command("U1", dm, "/til", "from a DM")
    assert "Direct messages stay private" in str(ack.body)
    await env.slack.slash_command("U1", "CTIL", "/til", "where the bot is not")
    await env.settle()
    assert "could not post your learning here" in env.slack.responses[-1]["text"]
    texts = sorted(i["text"] for i in await env.items())
    assert texts == ["from a DM", "where the bot is not"]
    assert not [m for m in env.slack.messages("CTIL") if m.get("bot_id")]


async def test_til_in_a_group_dm_is_stored_and_private(env: Env) -> None:
    group_dm = env.slack.ws.mpim_with(["U1", "U2"]).id
    ack = await env.slack.slash_command("U1", group_dm, "/til", "from a group DM")
    assert "Direct messages stay private" in str(ack.body)  # only the author sees the ack
    await env.settle()
    assert not env.slack.calls_of("chat.postMessage")  # no card, in the group DM or elsewhere
    assert not env.slack.responses  # and no "invite me" afterwards
    [item] = await env.items()
    assert item["text"] == "from a group DM"
    assert item["shares"][0]["channel"] is None


async def test_find_by_title_text_and_answer_words(env: Env) -> None:
    msg = await env.slack.post_message("U2", "C1", "worth a read <https://kafka.example/p>")
    await env.slack.unfurl("C1", msg["ts"], [UNFURL])
    await env.slack.post_message("U1", "C1", "TIL sqlite WAL mode lets readers run alongside")
    await env.settle()
    body = await find(env, "U3", "partitions")  # words of the title
    assert "Kafka partitions explained" in result_texts(body)[0]
    assert "original message" in json.dumps(body["blocks"])  # a permalink
    body = await find(env, "U3", "readers alongside")  # words of a learning's text
    assert "WAL" in result_texts(body)[0]
    body = await find(env, "U3", '"wal mode"')  # a quoted phrase
    assert "WAL" in result_texts(body)[0]


async def test_voted_item_ranks_above_unvoted(env: Env) -> None:
    first = await env.slack.post_message("U1", "C1", "TIL flamegraphs show hot paths")
    await env.slack.post_message("U2", "C1", "TIL flamegraphs need symbols")
    await env.slack.add_reaction("U3", "C1", first["ts"], "star")
    await env.settle()
    texts = result_texts(await find(env, "U2", "flamegraphs"))
    assert "hot paths" in texts[0]
    assert "symbols" in texts[1]


async def test_more_pages_through_results(env: Env) -> None:
    for n in range(7):
        await env.slack.post_message("U1", "C1", f"TIL observability tip number {n}")
    await env.settle()
    body = await find(env, "U2", "observability")
    assert len(result_texts(body)) == 5
    more = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert more[0]["action_id"] == "find_more"
    env.slack.responses.clear()
    ack = await env.slack.block_action(
        "U2", "find_more", more[0]["value"], channel="C1", container_type="ephemeral"
    )
    assert ack.status == 200
    await env.settle()
    page = last_response(env)
    assert len(result_texts(page)) == 2
    assert "Results 6 to 7 of 7" in json.dumps(page)
    assert not [b for b in page["blocks"] if b["type"] == "actions"]
    await env.slack.block_action(
        "U2", "find_more", "{not json", channel="C1", container_type="ephemeral"
    )
    await env.settle()
    assert "expired" in last_response(env)["text"]


async def test_private_items_only_for_members(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    await env.slack.post_message("U1", "G1", "TIL the reorg plan lives in the vault")
    await env.settle()
    assert "vault" in result_texts(await find(env, "U2", "reorg vault"))[0]  # U2 is a member
    body = await find(env, "U3", "reorg vault")  # U3 is not
    assert "Nothing the team shared" in body["text"]
    gaps = await env.store.knowledge_gaps(env.team, 0)
    assert gaps == [("reorg vault", 1)]  # the query, never who searched


async def test_zero_results_are_knowledge_gaps(env: Env) -> None:
    body = await find(env, "U1", "quantum  Kubernetes")
    assert "knowledge gap" in body["text"]
    await find(env, "U2", "kubernetes QUANTUM")
    assert await env.store.knowledge_gaps(env.team, 0) == [("kubernetes quantum", 2)]


@pytest.mark.parametrize(
    "query",
    ['"', "*", "NEAR(", "--", "AND OR", "x" * 2000, "a " * 1000, "'; DROP TABLE items", "ü*"],
)
async def test_hostile_queries_never_fail(http_env: Env, query: str) -> None:
    await http_env.slack.post_message("U1", "C1", "TIL AND OR NEAR are fts words")
    await http_env.settle()
    body = await find(http_env, "U2", query)
    text = str(body.get("text"))  # usage, results, nothing found or nothing to look for
    assert any(
        said in text
        for said in ("Usage", "result", "Nothing the team shared", "nothing to look for")
    )
