"""Meeting Serendip in a channel: an @mention answered in its thread, and the join note."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env
from tests.support.home import texts


def _replies_to(env: Env, channel: str, ts: str) -> list[dict[str, Any]]:
    """The bot's posts in the thread of `ts`."""
    return [
        c.args
        for c in env.slack.calls_of("chat.postMessage")
        if c.args.get("channel") == channel and c.args.get("thread_ts") == ts
    ]


async def _kube_everywhere(env: Env) -> None:
    """Four public items about kubernetes in #random and one in #general (shared with another
    organisation), one in private G1, and U1's own personal note."""
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    for n in range(4):
        await env.slack.post_message("U2", "C2", f"kubernetes tip {n} <https://k{n}.example/>")
    await env.slack.post_message("U2", "C1", "kubernetes in general <https://kg.example/>")
    await env.slack.post_message("U2", "G1", "kubernetes secret plan <https://hush.example/>")
    dm = env.slack.ws.dm_with("U1").id
    await env.slack.slash_command("U1", dm, "/til", "kubernetes note of mine")
    await env.settle()


async def test_mention_with_words_answers_three_public_matches(env: Env) -> None:
    await _kube_everywhere(env)
    said = await env.slack.post_message("U1", "C2", f"<@{env.slack.bot_user_id}> kubernetes")
    await env.settle()
    [reply] = _replies_to(env, "C2", str(said["ts"]))
    blocks = reply["blocks"]
    shown = texts(blocks)
    assert sum(1 for b in blocks if b["type"] == "context") == 3  # one per match
    assert "kubernetes tip" in shown
    assert "hush.example" not in shown
    assert "secret plan" not in shown
    assert "note of mine" not in shown  # a personal note is its author's alone
    assert "Ask the team" in shown


async def test_mention_in_private_channel_finds_its_own_items(env: Env) -> None:
    await _kube_everywhere(env)
    said = await env.slack.post_message("U2", "G1", f"<@{env.slack.bot_user_id}> secret plan")
    await env.settle()
    [reply] = _replies_to(env, "G1", str(said["ts"]))
    assert "hush.example" in texts(reply["blocks"])


async def test_ask_the_team_opens_the_ask_modal_with_the_words(env: Env) -> None:
    said = await env.slack.post_message("U1", "C1", f"<@{env.slack.bot_user_id}> who runs CI?")
    await env.settle()
    [reply] = _replies_to(env, "C1", str(said["ts"]))
    assert "Nothing shared" in texts(reply["blocks"])
    posted = [m for m in env.slack.messages("C1") if m.get("thread_ts") == said["ts"]]
    ack = await env.slack.block_action(
        "U1", "mention_ask", "who runs CI?", "C1", str(posted[-1]["ts"])
    )
    assert ack.status == 200
    await env.settle()
    [opened] = [c.args for c in env.slack.calls_of("views.open")]
    view = opened["view"]
    assert view["callback_id"] == "ask_modal"
    assert "who runs CI?" in str(view["blocks"])
    values = {"ask_question": {"text": {"type": "plain_text_input", "value": "who runs CI?"}}}
    ack = await env.slack.view_submission("U1", "ask_modal", values)
    assert ack.status == 200
    await env.settle()
    [question] = await env.store.open_questions(env.team, 10)
    assert (question.text, question.asker, question.channel) == ("who runs CI?", "U1", "C1")


async def test_mention_without_words_gets_two_lines_of_help(env: Env) -> None:
    said = await env.slack.post_message("U2", "C1", f"<@{env.slack.bot_user_id}>")
    await env.settle()
    [reply] = _replies_to(env, "C1", str(said["ts"]))
    assert len(str(reply["text"]).splitlines()) == 2
    assert "Mention me with a few words" in str(reply["text"])


async def test_join_note_buttons(env: Env) -> None:
    env.slack.add_channel("C5", name="newchan", members=["U1"], bot_member=False)
    await env.slack.bot_joins("C5")
    await env.settle()
    [note] = [m for m in env.slack.messages("C5") if "Serendip" in str(m.get("text"))]
    assert "What you get here first" in str(note["text"])
    shown = texts(note["blocks"])
    assert "How privacy works" in shown
    assert "Turn off capture here" in shown
    ts = str(note["ts"])
    await env.slack.block_action("U2", "join_privacy", "privacy", "C5", ts)
    await env.settle()
    assert "How privacy works" in str(env.slack.responses[-1].get("text"))
    await env.slack.block_action("U2", "join_capture_off", "off", "C5", ts)  # not a member
    await env.settle()
    assert "Only members" in str(env.slack.responses[-1].get("text"))
    channel = await env.store.channel(env.team, "C5")
    assert channel is not None
    assert channel.capture is None
    await env.slack.block_action("U1", "join_capture_off", "off", "C5", ts)
    await env.settle()
    assert "Capture is now *off*" in str(env.slack.responses[-1].get("text"))
    channel = await env.store.channel(env.team, "C5")
    assert channel is not None
    assert channel.capture == "off"
    await env.slack.post_message("U1", "C5", "not kept <https://off.example/>")
    assert await env.items() == []


async def test_mention_in_a_slack_connect_channel_shows_only_its_own_items(env: Env) -> None:
    await _kube_everywhere(env)
    # #general has a member of another organisation (X1): the rest of the workspace's public
    # items are not theirs to see.
    said = await env.slack.post_message("U1", "C1", f"<@{env.slack.bot_user_id}> kubernetes")
    await env.settle()
    [reply] = _replies_to(env, "C1", str(said["ts"]))
    shown = texts(reply["blocks"])
    assert "kubernetes in general" in shown
    assert "kubernetes tip" not in shown


async def test_turn_off_capture_is_refused_to_another_organisation(env: Env) -> None:
    # X1 is a member of #general, but of another organisation (Slack Connect).
    env.slack.add_channel("C6", name="partners", members=["U1", "X1"], bot_member=False)
    await env.slack.bot_joins("C6")
    await env.settle()
    [note] = [m for m in env.slack.messages("C6") if "Serendip" in str(m.get("text"))]
    await env.slack.block_action("X1", "join_capture_off", "off", "C6", str(note["ts"]))
    await env.settle()
    assert "Only members" in str(env.slack.responses[-1].get("text"))
    channel = await env.store.channel(env.team, "C6")
    assert channel is not None
    assert channel.capture is None


async def test_ask_the_team_is_refused_to_another_organisation(env: Env) -> None:
    values = {"ask_question": {"text": {"type": "plain_text_input", "value": "who runs CI?"}}}
    ack = await env.slack.view_submission("X1", "ask_modal", values, private_metadata="C1")
    assert "Only people of this workspace" in str(ack.body)
    await env.settle()
    assert await env.store.open_questions(env.team, 10) == []
