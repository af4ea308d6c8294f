"""/ask against the real bot and the local Slack: suggestions, posting, routing, best answers."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from slack_sdk.web.async_client import AsyncWebClient

from bot.forgetting import forget
from bot.pacer import Pacer
from bot.routing import DAY, route_question
from bot.store import ExpertRules, Question
from jobs.digests import run_digests
from jobs.questions import REROUTE_AFTER, reroute_unanswered
from localslack import LocalSlack
from tests.support.ask import ask, buttons, cards, routed, seed_kafka
from tests.support.bot import Env, bot_config, populate, start_bot
from tests.support.nda import MARKED_BLOCKS


async def test_posts_at_once_without_matches_and_routes_to_experts(env: Env) -> None:
    await seed_kafka(env)
    body = await ask(env, "U1", "Who can explain kafka partition storms?")
    assert "Posted your question in <#C1>" in body["text"]
    assert "asked 2 colleagues" in body["text"]
    [card] = cards(env)
    assert "ana" in json.dumps(card["blocks"])
    assert "partition storms" in json.dumps(card["blocks"])
    assert routed(env) == ["U2", "U3"]  # the sharer and the voter; never the asker
    dm = env.slack.messages(env.slack.dm_channel("U2"))[-1]
    assert "partition storms" in dm["text"]


async def test_suggestions_first_then_the_button_posts(env: Env) -> None:
    await seed_kafka(env)
    body = await ask(env, "U1", "does anyone know why kafka consumer groups rebalance?")
    assert "Maybe this answers it" in body["text"]
    assert "rebalance on join" in json.dumps(body)
    assert cards(env) == []
    assert routed(env) == []
    value = buttons(body)["ask_post"]
    ack = await env.slack.block_action(
        "U2", "ask_post", value, channel="C1", container_type="ephemeral"
    )
    await env.settle()
    assert ack.status == 200
    assert cards(env) == []
    await env.slack.block_action("U1", "ask_post", value, channel="C1", container_type="ephemeral")
    await env.settle()
    assert len(cards(env)) == 1
    assert "Posted your question" in env.slack.responses[-1]["text"]
    await env.slack.block_action("U1", "ask_post", value, channel="C1", container_type="ephemeral")
    await env.settle()
    assert len(cards(env)) == 1  # a second click posts nothing
    body = await ask(env, "U1", "kafka consumer groups rebalance again?")
    await env.slack.block_action(
        "U1", "ask_cancel", buttons(body)["ask_cancel"], channel="C1", container_type="ephemeral"
    )
    await env.settle()
    assert len(cards(env)) == 1
    assert "Nothing was posted" in env.slack.responses[-1]["text"]


async def test_bad_input_and_where_to_ask(env: Env) -> None:
    assert "Usage" in (await ask(env, "U1", "   "))["text"]
    assert "Usage" in (await ask(env, "U1", "--anon"))["text"]
    assert "too long" in (await ask(env, "U1", "why " * 1000))["text"]
    body = await ask(env, "U1", "where is the vpn guide?", channel=env.slack.dm_channel("U1"))
    assert "Ask in a channel" in body["text"]
    body = await ask(env, "U1", "where is the vpn guide?", channel="CTIL")  # the bot is not in it
    assert "could not post your question" in body["text"]
    assert "vpn guide" in body["text"]
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    assert "opted out" in (await ask(env, "U1", "anything?"))["text"]


async def test_never_routed_opted_out_routing_off_or_capped(env: Env) -> None:
    await seed_kafka(env)
    await env.slack.slash_command("U3", "C1", "/serendip", "optout")
    ack = await env.slack.slash_command("U2", "C1", "/serendip", "routing off")
    assert "no longer send you questions" in str(ack.body)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    assert routed(env) == []
    await env.slack.slash_command("U3", "C1", "/serendip", "optin")
    now = time.time()
    for n in range(5):
        await ask(env, "U1", f"kafka question number {n} about offsets?")
    assert routed(env) == ["U3"]  # one a day
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    waiting = sorted(await env.store.open_questions(env.team), key=lambda q: q.asked_at)[2:]
    for day, question in enumerate(waiting, start=1):  # a day later each (an injected clock)
        await route_question(env.store, client, env.config, question, 0, now + day * DAY + 60)
    assert routed(env) == ["U3"] * env.config.routing_cap  # the cap holds for 7 days


async def test_private_question_never_routed_outside_the_channel(env: Env) -> None:
    await seed_kafka(env)  # cy (U3) is an expert, but not in #secret
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    await env.slack.post_message("U2", "G1", "TIL kafka quotas stop noisy neighbours")
    await env.settle()
    body = await ask(env, "U1", "Who can explain kafka partition storms?", channel="G1")
    assert "Posted your question in <#G1>" in body["text"]
    assert routed(env) == ["U2"]  # cy voted on a kafka item too, but is not in #secret


async def test_anonymous_question_hides_the_asker_and_chooses_privately(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "--anon Who can explain kafka partition storms?")
    [card] = cards(env)
    dms = [m for u in ("U2", "U3") for m in env.slack.messages(env.slack.dm_channel(u))]
    shown = json.dumps(card) + json.dumps(dms)
    assert "U1" not in shown
    assert "ana" not in shown
    assert "anonymously" in shown
    reply = await env.slack.post_message(
        "U2", "C1", "storms come from slow consumers", thread_ts=card["ts"]
    )
    await env.settle()
    chooser = env.slack.messages(env.slack.dm_channel("U1"))[-1]
    [button] = [b["accessory"] for b in chooser["blocks"] if "accessory" in b]
    await env.slack.add_reaction("U1", "C1", reply["ts"], "white_check_mark")  # would reveal
    await env.settle()
    question = cast(Question, await env.store.question_at_card(env.team, "C1", card["ts"]))
    assert question.status == "open"
    dm = env.slack.dm_channel("U1")
    await env.slack.block_action(
        "U1", "ask_choose_best", button["value"], channel=dm, message_ts=chooser["ts"]
    )
    await env.settle()
    [item] = [i for i in await env.items() if i["kind"] == "question"]
    assert item["answered"] is True
    assert item["shares"][0]["user"] is None
    assert item["answer"] == {"text": "storms come from slow consumers", "user": "U2"}
    assert "U1" not in json.dumps(item)
    assert "Answered" in json.dumps(cards(env)[0]["blocks"])


async def test_best_answer_by_reaction_or_shortcut_only_the_askers_mark(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    bo = await env.slack.post_message("U2", "C1", "slow consumers cause them", thread_ts=card["ts"])
    cy = await env.slack.post_message("U3", "C1", "check max.poll.interval", thread_ts=card["ts"])
    await env.slack.add_reaction("U2", "C1", cy["ts"], "white_check_mark")  # not the asker
    await env.settle()
    assert not [i for i in await env.items() if i["kind"] == "question"]
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    [item] = [i for i in await env.items() if i["kind"] == "question"]
    assert item["answer"]["user"] == "U2"
    assert item["shares"][0]["user"] == "U1"
    hits = await env.store.search(env.team, "slow consumers")
    assert [h.kind for h in hits] == ["question"]  # the answer's words find the question
    ack = await env.slack.message_shortcut("U3", "C1", cy["ts"], "mark_best_answer")
    await env.settle()
    assert ack.status == 200
    assert "Only the person who asked" in env.slack.responses[-1]["text"]
    await env.slack.message_shortcut("U1", "C1", cy["ts"], "mark_best_answer")
    await env.settle()
    [item] = [i for i in await env.items() if i["kind"] == "question"]
    assert item["answer"]["user"] == "U3"
    await env.slack.message_shortcut("U1", "C1", card["ts"], "mark_best_answer")
    await env.settle()
    assert "reply in the thread" in env.slack.responses[-1]["text"]


async def test_unanswered_question_is_rerouted_once_after_48_hours(env: Env) -> None:
    for user, name in (("U4", "dee"), ("U5", "eve")):
        env.slack.add_user(user, name=name)
        await env.slack.user_joins(user, "C1")
    await seed_kafka(env)  # U2 and U3: the first two experts
    for user in ("U4", "U5"):
        await env.slack.post_message(user, "C1", f"TIL kafka tip from {user} about brokers")
    await env.settle()
    await ask(env, "U1", "Who can explain kafka partition storms?")
    first = routed(env)
    assert first == ["U2", "U4", "U5"]  # the sharers first; cy only voted
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    now = time.time()
    assert await reroute_unanswered(env.store, client, env.config, now + 3600) == 0  # too early
    asked = await reroute_unanswered(env.store, client, env.config, now + REROUTE_AFTER + 60)
    again = routed(env)
    assert asked == 1
    assert again == ["U2", "U3", "U4", "U5"]
    assert await reroute_unanswered(env.store, client, env.config, now + 3 * REROUTE_AFTER) == 0


async def test_ask_channel_setting_gathers_questions(tmp_path: Path) -> None:
    async with LocalSlack() as slack:
        populate(slack)
        config = bot_config(slack, tmp_path / "bot.db", "http", SERENDIP_ASK_CHANNEL="C2")
        runner, store, port, inbox = await start_bot(slack, config, "http")
        try:
            env = Env(slack, store, config, "http", port, inbox)
            body = await ask(env, "U1", "where do we keep the oncall runbook?", channel="G1")
            assert "Posted your question in <#C2>" in body["text"]
            assert len(cards(env, "C2")) == 1
            assert cards(env, "G1") == []
            dm = env.slack.dm_channel("U1")  # with an ask channel, a DM is a fine place to ask
            assert "<#C2>" in (await ask(env, "U1", "who owns billing?", channel=dm))["text"]
        finally:
            await runner.cleanup()


async def test_edits_deletions_and_forgetting(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    bo = await env.slack.post_message("U2", "C1", "slow consumers", thread_ts=card["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.slack.edit_message("C1", bo["ts"], "slow consumers and long GC pauses")
    [item] = [i for i in await env.items() if i["kind"] == "question"]
    assert item["answer"]["text"] == "slow consumers and long GC pauses"
    assert [h.kind for h in await env.store.search(env.team, "GC pauses")] == ["question"]
    await env.slack.remove_reaction("U1", "C1", bo["ts"], "white_check_mark")
    assert not [i for i in await env.items() if i["kind"] == "question"]  # unmarked: open again
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.slack.delete_message("C1", bo["ts"])
    assert not [i for i in await env.items() if i["kind"] == "question"]
    question = await env.store.question_at_card(env.team, "C1", card["ts"])
    assert question is not None
    assert question.status == "open"
    assert question.best_user is None
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    await forget(env.store, client, env.team, "U1")
    assert cards(env) == []  # the card credited the asker: deleted from Slack
    assert await env.store.question(question.id) is None
    assert not any(
        "partition storms" in json.dumps(m) for m in env.slack.messages(env.slack.dm_channel("U2"))
    )


async def test_acknowledged_before_slack_is_slow(http_env: Env) -> None:
    """A 429 makes the next post wait 4 s: /ask and /til are answered long before that."""
    env = http_env
    await seed_kafka(env)
    for command, text in (
        ("/ask", "Who can explain kafka partition storms?"),
        ("/til", "acks come first"),
    ):
        env.slack.rate_limit("chat.postMessage", times=1, retry_after=4)
        started = time.perf_counter()
        ack = await env.slack.slash_command("U1", "C1", command, text)
        assert ack.status == 200
        assert time.perf_counter() - started < 3.0
        await env.settle()
    assert len(cards(env)) == 1  # posted once Slack let it
    assert any(
        "acks come first" in json.dumps(m) for m in env.slack.messages("C1") if m.get("bot_id")
    )


async def test_shortcut_keeps_the_capture_rules_for_replies(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    nda = await env.slack.post_message("U2", "C1", "!nda the acme contract", thread_ts=card["ts"])
    marked_in_blocks = await env.slack.post_message(  # an API post: empty text, blocks say it
        "U2", "C1", "", thread_ts=card["ts"], blocks=MARKED_BLOCKS[0]
    )
    vendor = await env.slack.post_message("X1", "C1", "buy our tool", thread_ts=card["ts"])
    await env.slack.slash_command("U3", "C1", "/serendip", "optout")
    quiet = await env.slack.post_message("U3", "C1", "slow consumers", thread_ts=card["ts"])
    await env.settle()
    for reply in (nda, marked_in_blocks, vendor, quiet):
        await env.slack.message_shortcut("U2", "C1", reply["ts"], "mark_best_answer")
        await env.settle()
        assert "Only the person who asked" in env.slack.responses[-1]["text"]
        assert await env.store.reply_at(env.team, "C1", reply["ts"]) is None  # not stored
        await env.slack.message_shortcut("U1", "C1", reply["ts"], "mark_best_answer")
        await env.settle()
        assert "cannot be kept" in env.slack.responses[-1]["text"]
    assert not [i for i in await env.items() if i["kind"] == "question"]
    assert await env.store.search(env.team, "acme contract") == []


async def test_marking_the_same_best_answer_again_changes_nothing(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    bo = await env.slack.post_message("U2", "C1", "slow consumers", thread_ts=card["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.slack.message_shortcut("U1", "C1", bo["ts"], "mark_best_answer")
    await env.settle()
    assert "already the best answer" in env.slack.responses[-1]["text"]
    notes = [
        m for m in env.slack.messages("C1") if m.get("bot_id") and "chose" in str(m.get("text"))
    ]
    assert len(notes) == 1


async def test_the_cap_holds_when_questions_race(env: Env) -> None:
    question_ids = [
        await env.store.create_question(env.team, "U1", False, f"kafka q{n}?", "C1")
        for n in range(4)
    ]
    questions = [await env.store.question(q) for q in question_ids]
    rules = ExpertRules(frozenset(), None, 2, 0.0)
    claims = await asyncio.gather(
        *(
            env.store.claim_routing(q, "U2", 0, time.time(), rules)
            for q in questions
            if q is not None
        )
    )
    assert sorted(claims) == [False, False, True, True]


async def test_digest_asks_the_next_experts_can_you_help(env: Env) -> None:
    for user, name in (("U4", "dee"), ("U5", "eve")):
        env.slack.add_user(user, name=name)
        await env.slack.user_joins(user, "C1")
    await seed_kafka(env)  # bo shared, cy voted
    for user in ("U4", "U5"):
        await env.slack.post_message(user, "C1", f"TIL kafka tip from {user} about brokers")
    await env.settle()
    await ask(env, "U1", "Who can explain kafka partition storms?")
    assert routed(env) == ["U2", "U4", "U5"]  # by DM; cy, who only voted, is next in line
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    await run_digests(
        env.store, client, env.config, datetime.now(UTC), now_mode=True, pacer=Pacer(60_000)
    )
    posts = [c.args for c in env.slack.calls_of("chat.postMessage")]
    digests = {m["channel"]: m for m in posts if "serendip_digest" in json.dumps(m)}
    cy = json.dumps(digests["U3"]["blocks"])
    assert "Can you help?" in cy
    assert "partition storms" in cy
    assert "archives/C1/p" in cy  # a link to the question's card
    for other in ("U1", "U2"):  # the asker, and someone who got it by DM already
        assert "partition storms" not in json.dumps(digests.get(other, {}))
    assert "digest_useful" not in json.dumps(
        [b for b in digests["U3"]["blocks"] if "partition storms" in json.dumps(b)]
    )
