"""The question loop through the real bot and the local Slack: suggestions by most words, the
card and note after the best answer, thanks to the answerer, and experts' answers."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.forgetting import forget
from bot.routing import DAY, route_question
from tests.support.ask import ask, cards, routed, seed_kafka
from tests.support.bot import Env

RECOVER = "how can I recover a branch I deleted by mistake in git?"


def thread_notes(env: Env, card: dict[str, Any], word: str) -> list[dict[str, Any]]:
    """The bot's messages in a card's thread that say `word`."""
    return [
        m
        for m in env.slack.messages("C1")
        if m.get("bot_id") and m.get("thread_ts") == card["ts"] and word in str(m.get("text"))
    ]


def dms(env: Env, user: str, word: str) -> list[dict[str, Any]]:
    """The bot's direct messages to `user` that say `word`."""
    return [m for m in env.slack.messages(env.slack.dm_channel(user)) if word in json.dumps(m)]


def card_now(env: Env, ts: str) -> dict[str, Any]:
    [card] = [c for c in cards(env) if c["ts"] == ts]
    return card


async def press(env: Env, user: str, action_id: str, question_id: str) -> None:
    """`user` presses a button on the latest DM that has it (else on their latest DM)."""
    dm = env.slack.dm_channel(user)
    got = [m for m in env.slack.messages(dm) if action_id in json.dumps(m.get("blocks"))]
    ts = (got or env.slack.messages(dm))[-1]["ts"]
    await env.slack.block_action(user, action_id, question_id, channel=dm, message_ts=ts)
    await env.settle()


async def add_people(env: Env, *people: tuple[str, str]) -> None:
    for user, name in people:
        env.slack.add_user(user, name=name)
        await env.slack.user_joins(user, "C1")


async def test_suggestions_rank_by_words_matched_and_need_half(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "TIL git reflog can recover a deleted branch")
    force = await env.slack.post_message(
        "U3", "C1", "TIL never force push a branch by mistake, git"
    )
    await env.slack.post_message("U3", "C1", "TIL git branch names can hold slashes")
    for voter in ("U1", "U2"):  # more votes, fewer words: still second
        await env.slack.add_reaction(voter, "C1", force["ts"], "+1")
    await env.settle()
    body = await ask(env, "U1", RECOVER)
    shown = json.dumps(body)
    assert "Maybe this answers it" in body["text"]
    assert "git reflog can recover" in shown  # 4 of its 5 meaningful words
    assert "never force push" in shown  # 3 of 5
    assert shown.index("git reflog") < shown.index("never force push")
    assert "slashes" not in shown  # 2 of 5: less than half
    assert cards(env) == []


async def test_a_question_matching_under_half_posts_at_once(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "TIL git branch names can hold slashes")
    await env.settle()
    body = await ask(env, "U1", RECOVER)
    assert "Posted your question" in body["text"]
    assert len(cards(env)) == 1


async def test_best_answer_on_the_card_one_note_edited_and_thanks(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    long = "slow consumers cause them\nfirst check lag\nthen the GC logs\nand a fourth line"
    bo = await env.slack.post_message("U2", "C1", long, thread_ts=card["ts"])
    cy = await env.slack.post_message("U3", "C1", "check max.poll.interval", thread_ts=card["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.settle()
    shown = json.dumps(card_now(env, card["ts"])["blocks"])
    assert "Answered" in shown
    assert "*Answered* by bo" in shown
    assert "slow consumers cause them" in shown
    assert "then the GC logs" in shown
    assert "fourth line" not in shown  # the first lines only
    [note] = thread_notes(env, card, "chose")
    thanks = dms(env, "U2", "Your answer helped")
    assert len(thanks) == 1
    assert "Your answer helped ana: about 15 minutes saved" in thanks[0]["text"]

    await env.slack.add_reaction("U1", "C1", cy["ts"], "white_check_mark")  # a change of mind
    await env.settle()
    [edited] = thread_notes(env, card, "chose")  # the same note, edited: not a second one
    assert edited["ts"] == note["ts"]
    assert "chose cy's reply" in edited["text"]
    shown = json.dumps(card_now(env, card["ts"])["blocks"])
    assert "max.poll.interval" in shown
    assert "slow consumers" not in shown
    assert len(dms(env, "U3", "Your answer helped")) == 1

    await env.slack.remove_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")  # back again
    await env.settle()
    assert len(thread_notes(env, card, "chose")) == 1
    assert len(dms(env, "U2", "Your answer helped")) == 1  # thanked once for a reply
    await env.slack.remove_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.settle()
    assert thread_notes(env, card, "chose") == []  # no best answer: no stale credit
    assert "Answered" not in json.dumps(card_now(env, card["ts"])["blocks"])


async def test_anonymous_asker_is_someone_and_the_opted_out_get_no_thanks(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "--anon Who can explain kafka partition storms?")
    [card] = cards(env)
    await env.slack.post_message("U2", "C1", "slow consumers", thread_ts=card["ts"])
    cy = await env.slack.post_message("U3", "C1", "long GC pauses", thread_ts=card["ts"])
    await env.settle()
    chooser = env.slack.messages(env.slack.dm_channel("U1"))[-1]
    values = [b["accessory"]["value"] for b in chooser["blocks"] if "accessory" in b]
    dm = env.slack.dm_channel("U1")
    await env.slack.block_action(
        "U1", "ask_choose_best", values[0], channel=dm, message_ts=chooser["ts"]
    )
    await env.settle()
    [thanks] = dms(env, "U2", "Your answer helped")
    assert "Your answer helped someone: about 15 minutes saved" in thanks["text"]
    assert "ana" not in json.dumps(thanks)
    await env.slack.slash_command("U3", "C1", "/serendip", "optout")
    chooser = env.slack.messages(dm)[-1]
    [value] = [b["accessory"]["value"] for b in chooser["blocks"] if "accessory" in b]
    assert value.endswith(cy["ts"])
    await env.slack.block_action(
        "U1", "ask_choose_best", value, channel=dm, message_ts=chooser["ts"]
    )
    await env.settle()
    assert "long GC pauses" in json.dumps(card_now(env, card["ts"])["blocks"])
    assert dms(env, "U3", "Your answer helped") == []  # opted out: never a message


async def test_expert_message_says_why_and_never_cites_a_private_item(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    await env.slack.post_message("U2", "G1", "TIL okapisecret: WAL archiving tips")
    await seed_kafka(env)
    await ask(env, "U1", "Who knows why the WAL grows during replication?")
    [first] = cards(env)
    bo = await env.slack.post_message("U2", "C1", "a stuck replica slot", thread_ts=first["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.settle()
    body = await ask(env, "U3", "Who can explain kafka partition storms?")
    assert "Posted your question" in body["text"]
    [dm] = dms(env, "U2", "partition storms")
    why = "Why you: you shared *TIL kafka consumer groups rebalance on join*."
    assert why in json.dumps(dm["blocks"])
    acts = {
        e["action_id"]: e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert acts["ask_claim"]["text"]["text"] == "I'll answer"
    assert acts["ask_decline"]["text"]["text"] == "Not me"
    body = await ask(env, "U3", "does anyone know the WAL size limit?")
    assert "Posted your question" in body["text"]  # 1 of 3 words matches the answered one
    assert not dms(env, "U2", "size limit")  # bo had a question today
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    [question] = [q for q in await env.store.open_questions(env.team) if "size limit" in q.text]
    await route_question(env.store, client, env.config, question, 1, time.time() + DAY + 60)
    [wal] = dms(env, "U2", "size limit")
    assert "Why you: you answered a question about WAL" in json.dumps(wal["blocks"])
    assert "okapisecret" not in json.dumps(wal)  # shared in #secret: never cited outside it


async def test_ill_answer_notes_the_thread_and_not_me_asks_the_next(env: Env) -> None:
    await add_people(env, ("U4", "dee"), ("U5", "eve"))
    await seed_kafka(env)  # U2 shared, U3 voted
    for user in ("U4", "U5"):
        await env.slack.post_message(user, "C1", f"TIL kafka tip from {user} about brokers")
    await env.settle()
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    assert routed(env) == ["U2", "U4", "U5"]
    question = await env.store.question_at_card(env.team, "C1", card["ts"])
    assert question is not None
    for _ in range(2):  # a second press notes nothing more
        await press(env, "U2", "ask_claim", question.id)
    [note] = thread_notes(env, card, "is on it")
    assert note["text"] == ":raising_hand: bo is on it."
    assert "said you'll answer" in json.dumps(env.slack.responses[-1])
    await press(env, "U4", "ask_decline", question.id)
    assert routed(env) == ["U2", "U3", "U4", "U5"]  # cy, next in line, at once
    await press(env, "U5", "ask_decline", question.id)
    await press(env, "U4", "ask_decline", question.id)
    assert routed(env) == ["U2", "U3", "U4", "U5"]  # nobody left; never back to the same
    await env.slack.post_message("U1", env.slack.dm_channel("U1"), "hi")  # a DM to press on
    await env.settle()
    await press(env, "U1", "ask_claim", question.id)
    assert "not sent to you" in json.dumps(env.slack.responses[-1])
    assert len(thread_notes(env, card, "is on it")) == 1


async def test_ill_answer_on_an_anonymous_question_notes_nothing(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "--anon Who can explain kafka partition storms?")
    [card] = cards(env)
    question = await env.store.question_at_card(env.team, "C1", card["ts"])
    assert question is not None
    await press(env, "U2", "ask_claim", question.id)
    assert "said you'll answer" in json.dumps(env.slack.responses[-1])
    assert thread_notes(env, card, "is on it") == []


async def test_one_question_a_day_the_second_goes_to_someone_else(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "TIL kafka consumer lag alerts")
    await env.slack.post_message("U2", "C1", "TIL postgres vacuum tuning for big tables")
    await env.slack.post_message("U3", "C1", "TIL postgres index bloat checks")
    await env.settle()
    now = time.time()
    await ask(env, "U1", "Who can explain kafka partition storms?")
    assert routed(env) == ["U2"]
    await ask(env, "U1", "Who can explain postgres autovacuum storms?")
    assert routed(env) == ["U2", "U3"]  # bo knows more, but had a question today
    await ask(env, "U1", "Who can explain postgres checkpoint storms?")
    assert routed(env) == ["U2", "U3"]  # both had one today
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    [question] = [q for q in await env.store.open_questions(env.team) if "checkpoint" in q.text]
    await route_question(env.store, client, env.config, question, 0, now + DAY + 60)
    assert routed(env) == ["U2", "U2", "U3", "U3"]  # a day later, both may be asked again


async def test_the_answerers_forget_me_takes_their_answer_off_the_card(env: Env) -> None:
    await seed_kafka(env)
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    bo = await env.slack.post_message("U2", "C1", "slow consumers", thread_ts=card["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.settle()
    assert "*Answered* by bo" in json.dumps(card_now(env, card["ts"])["blocks"])
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    await forget(env.store, client, env.team, "U2")
    shown = json.dumps(card_now(env, card["ts"]))  # the asker's card stays, without the answer
    assert "partition storms" in shown
    assert "slow consumers" not in shown
    assert "by bo" not in shown
    assert thread_notes(env, card, "chose") == []
