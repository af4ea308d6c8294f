"""The interaction graph and activity from live events, through the real bot and local Slack."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.store import week_of
from tests.support.bot import Env, running_grid_bot
from tests.support.graph import active_people, involving, pairs


async def test_reaction_reply_reply_back_and_mention_count_in_a_public_channel(env: Env) -> None:
    slack = env.slack
    parent = await slack.post_message("U1", "C1", "anyone tried the new build?")
    await slack.add_reaction("U2", "C1", parent["ts"], "eyes")  # any emoji counts
    await slack.post_message("U2", "C1", "yes, works", thread_ts=parent["ts"])
    await slack.post_message("U3", "C1", "not for me", thread_ts=parent["ts"])
    await slack.post_message("U1", "C1", "thanks both", thread_ts=parent["ts"])  # reply back
    await slack.post_message("U3", "C1", "hey <@U2> and <@U2>, see above")  # once per message
    await slack.add_reaction("U1", "C1", parent["ts"], "tada")  # own message: no count
    await env.settle()
    assert await pairs(env.store, env.team) == [
        ("", "U1", "U2", "reply", 1),
        ("", "U1", "U3", "reply", 1),
        ("", "U2", "U1", "reaction", 1),
        ("", "U2", "U1", "reply", 1),
        ("", "U3", "U1", "reply", 1),
        ("", "U3", "U2", "mention", 1),
    ]
    weeks = {c.week for c in await env.store.interaction_counts(env.team)}
    assert min(weeks) == week_of(float(parent["ts"]))  # a second later may be a new week
    assert {date.fromisoformat(week).weekday() for week in weeks} == {0}  # Mondays
    assert active_people(env.store, env.team) >= {"U1", "U2", "U3"}


async def test_reply_back_answers_only_who_replied_since_the_starter_last_spoke(env: Env) -> None:
    slack = env.slack
    parent = await slack.post_message("U1", "C1", "question")
    await slack.post_message("U2", "C1", "answer", thread_ts=parent["ts"])
    await slack.post_message("U1", "C1", "thanks", thread_ts=parent["ts"])
    await slack.post_message("U3", "C1", "another view", thread_ts=parent["ts"])
    await slack.post_message("U1", "C1", "thanks too", thread_ts=parent["ts"])
    await env.settle()
    found = await pairs(env.store, env.team)
    assert [p for p in found if p[1] == "U1"] == [
        ("", "U1", "U2", "reply", 1),
        ("", "U1", "U3", "reply", 1),
    ]


async def test_taking_a_reaction_back_keeps_the_count(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "hello")
    await env.slack.add_reaction("U2", "C1", msg["ts"], "wave")
    await env.slack.remove_reaction("U2", "C1", msg["ts"], "wave")
    await env.slack.add_reaction("U2", "C1", msg["ts"], "+1")
    await env.settle()
    assert await pairs(env.store, env.team) == [("", "U2", "U1", "reaction", 2)]


async def test_private_channel_counts_only_with_capture_on_and_in_its_own_scope(env: Env) -> None:
    slack = env.slack
    msg = await slack.post_message("U1", "G1", "private words <@U2>")
    await slack.add_reaction("U2", "G1", msg["ts"], "eyes")
    await env.settle()
    assert await pairs(env.store, env.team) == []
    assert active_people(env.store, env.team) >= {"U1", "U2"}  # still active there
    await slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    msg = await slack.post_message("U1", "G1", "now with consent <@U2>")
    await slack.add_reaction("U2", "G1", msg["ts"], "eyes")
    await slack.post_message("U2", "G1", "ok", thread_ts=msg["ts"])
    await env.settle()
    assert await pairs(env.store, env.team) == [
        ("G1", "U1", "U2", "mention", 1),
        ("G1", "U2", "U1", "reaction", 1),
        ("G1", "U2", "U1", "reply", 1),
    ]


async def test_nothing_from_or_to_outsiders_bots_dms_or_nda_messages(env: Env) -> None:
    slack = env.slack
    slack.add_user("UBOT2", name="helperbot", is_bot=True)
    await slack.user_joins("UBOT2", "C1")
    mine = await slack.post_message("U1", "C1", "hello all")
    theirs = await slack.post_message("X1", "C1", "hi from the vendor <@U1>")
    await slack.add_reaction("X1", "C1", mine["ts"], "wave")
    await slack.add_reaction("U1", "C1", theirs["ts"], "wave")
    await slack.post_message("X1", "C1", "vendor reply", thread_ts=mine["ts"])
    await slack.post_message("U1", "C1", "a reply to the vendor", thread_ts=theirs["ts"])
    await slack.post_message("U1", "C1", "cc <@X1> <@UBOT2>")
    bots = await slack.post_message("UBOT2", "C1", "beep <@U1>")
    await slack.add_reaction("U2", "C1", bots["ts"], "robot_face")
    await slack.add_reaction("UBOT2", "C1", mine["ts"], "robot_face")
    await slack.post_message("U1", "C1", f"<@{slack.bot_user_id}> hello bot")
    await slack.dm_bot("U2", "psst <@U1>")
    secret = await slack.post_message("U1", "C1", "!nda the plan, ask <@U2>")
    await env.settle()  # a person's reply comes after the bot saw the message (see README)
    await slack.add_reaction("U2", "C1", secret["ts"], "eyes")
    await slack.post_message("U2", "C1", "about the plan <@U3>", thread_ts=secret["ts"])
    await slack.post_message("U3", "C1", "!nda reply", thread_ts=mine["ts"])
    await env.settle()
    assert await pairs(env.store, env.team) == []
    assert {"X1", "UBOT2"}.isdisjoint(active_people(env.store, env.team))


async def test_opted_out_people_are_on_neither_side(env: Env) -> None:
    slack = env.slack
    await slack.slash_command("U3", "C1", "/serendip", "optout")
    theirs = await slack.post_message("U3", "C1", "mine <@U1>")
    mine = await slack.post_message("U1", "C1", "ask <@U3>")
    await slack.add_reaction("U1", "C1", theirs["ts"], "eyes")
    await slack.add_reaction("U3", "C1", mine["ts"], "eyes")
    await slack.post_message("U3", "C1", "reply", thread_ts=mine["ts"])
    await slack.post_message("U1", "C1", "reply", thread_ts=theirs["ts"])
    await slack.add_reaction("U2", "C1", mine["ts"], "eyes")  # a control: this one counts
    await env.settle()
    assert await pairs(env.store, env.team) == [("", "U2", "U1", "reaction", 1)]
    assert "U3" not in active_people(env.store, env.team)


async def test_forget_me_leaves_no_count_involving_the_person(env: Env) -> None:
    slack = env.slack
    msg = await slack.post_message("U1", "C1", "hi <@U2> <@U3>")
    await slack.add_reaction("U2", "C1", msg["ts"], "wave")
    await slack.post_message("U3", "C1", "hi <@U2>")
    await env.settle()
    assert involving(await pairs(env.store, env.team), "U2") != []
    await env.store.forget_person(env.team, "U2")
    found = await pairs(env.store, env.team)
    assert involving(found, "U2") == []
    assert found == [("", "U1", "U3", "mention", 1)]
    assert "U2" not in active_people(env.store, env.team)


async def test_public_channel_with_capture_off_counts_nothing(env: Env) -> None:
    slack = env.slack
    await slack.slash_command("U1", "C2", "/serendip", "channel capture off")
    msg = await slack.post_message("U1", "C2", "hi <@U2>")
    await slack.add_reaction("U2", "C2", msg["ts"], "wave")
    await env.settle()
    assert await pairs(env.store, env.team) == []


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_grid_colleague_counts_a_connect_outsider_does_not(
    mode: str, tmp_path: Path
) -> None:
    async with running_grid_bot(tmp_path / "grid.db", mode) as grid:
        slack = grid.slack
        mine = await slack.post_message("U1", "CORG", "hello <@W2> and <@X1>")
        await slack.add_reaction("W2", "CORG", mine["ts"], "wave")
        await slack.add_reaction("X1", "CORG", mine["ts"], "wave")
        await slack.post_message("W2", "CORG", "hi", thread_ts=mine["ts"])
        await slack.post_message("X1", "CORG", "hi", thread_ts=mine["ts"])
        await grid.settle()
        assert await pairs(grid.store, grid.team) == [
            ("", "U1", "W2", "mention", 1),
            ("", "W2", "U1", "reaction", 1),
            ("", "W2", "U1", "reply", 1),
        ]


async def test_commands_posts_and_reactions_note_activity_but_not_for_outsiders(
    env: Env,
) -> None:
    slack = env.slack
    await slack.slash_command("U1", "C1", "/til", "tea brews best below boiling")
    await slack.post_message("U2", "C2", "plain words")
    await env.settle()
    assert active_people(env.store, env.team) == {"U1", "U2"}  # a command, a post
    msg = await slack.post_message("U1", "C1", "more words")
    await slack.add_reaction("U3", "C1", msg["ts"], "eyes")
    await slack.post_message("X1", "C1", "outside words")
    await slack.add_reaction("X1", "C1", msg["ts"], "eyes")
    await env.settle()
    assert active_people(env.store, env.team) == {"U1", "U2", "U3"}
