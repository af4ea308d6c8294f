"""Digest items people can open (issue 15): a learning's title links to its message, a
question's to its thread, and a question shows its best answer's first line and who gave it."""

from __future__ import annotations

import json
from typing import Any

from bot.slacktext import message_link
from tests.support.ask import ask, cards
from tests.support.bot import Env
from tests.support.digests import digest_in, send_now, sync_people


def item_texts(message: dict[str, Any]) -> list[str]:
    """The text of each item of a digest (the sections with a menu or none, not headings)."""
    return [
        str(b["text"]["text"])
        for b in message["blocks"]
        if b["type"] == "section" and "\n" in str(b["text"]["text"])
    ]


def link_to(env: Env, channel: str, ts: str, thread_ts: str | None = None) -> str:
    link = message_link(env.slack.ident.url, channel, ts, thread_ts)
    assert link is not None
    return link


async def answered_question(env: Env) -> dict[str, Any]:
    """ana asks in #C1; bo's two-line reply is the best answer."""
    await ask(env, "U1", "Who can explain kafka partition storms?")
    [card] = cards(env)
    reply = "slow consumers cause them\nfirst check lag, then <@U3>'s dashboards"
    bo = await env.slack.post_message("U2", "C1", reply, thread_ts=card["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.settle()
    return card


async def test_learnings_and_questions_link_to_their_message_and_thread(env: Env) -> None:
    til = await env.slack.post_message("U2", "C1", "TIL sqlite has WAL mode <https://wal.example/>")
    root = await env.slack.post_message("U3", "C1", "anyone tried litestream?")
    reply = await env.slack.post_message(
        "U3", "C1", "TIL litestream replicates", thread_ts=root["ts"]
    )
    await env.slack.post_message("U3", "C1", "plain link <https://plain.example/>")
    card = await answered_question(env)
    await sync_people(env)  # auth.test: the workspace's address, stored once
    await send_now(env)
    texts = item_texts(digest_in(env, "C1"))
    [wal] = [t for t in texts if "sqlite has WAL" in t]
    assert wal.startswith(f"*<{link_to(env, 'C1', til['ts'])}|TIL sqlite has WAL mode")
    assert "· <https://wal.example/|wal.example>" in wal  # its own link stays, small
    [thread] = [t for t in texts if "litestream replicates" in t]
    assert f"<{link_to(env, 'C1', reply['ts'], root['ts'])}|" in thread
    assert "?thread_ts=" in thread
    [plain] = [t for t in texts if "plain.example" in t]
    assert plain.startswith("*<https://plain.example/|")  # a link item opens its page
    [question] = [t for t in texts if "partition storms" in t]
    assert question.startswith(f"*<{link_to(env, 'C1', str(card['ts']))}|")
    assert "asked by ana" in question
    lines = question.split("\n")
    assert lines[1] == "*Best answer* (bo): slow consumers cause them"  # its first line only
    assert "dashboards" not in question


async def test_a_question_keeps_its_slack_permalink_when_the_address_is_unknown(env: Env) -> None:
    """Before the people sync stored the address, a question still opens its thread (the
    permalink Slack gave when it was posted); a learning then shows its words unlinked."""
    await env.slack.post_message("U2", "C1", "TIL jq has --arg")
    card = await answered_question(env)
    await send_now(env)
    texts = item_texts(digest_in(env, "C1"))
    [question] = [t for t in texts if "partition storms" in t]
    assert question.startswith(f"*<{link_to(env, 'C1', str(card['ts']))}|")
    [learning] = [t for t in texts if "jq has" in t]
    assert learning.startswith("*TIL jq has --arg*")


async def test_best_answer_text_cannot_ping_or_break_the_line(env: Env) -> None:
    await ask(env, "U1", "How do we page the on-call?")
    [card] = cards(env)
    hostile = "<!channel> *use* <https://evil.example|the pager> & <@U3>" + " long" * 80
    bo = await env.slack.post_message("U2", "C1", hostile, thread_ts=card["ts"])
    await env.slack.add_reaction("U1", "C1", bo["ts"], "white_check_mark")
    await env.settle()
    await sync_people(env)
    await send_now(env)
    message = digest_in(env, "C1")
    [question] = [t for t in item_texts(message) if "page the on-call" in t]
    answer = question.split("\n")[1]
    assert "<!channel>" not in answer
    assert "<https://evil" not in answer
    assert "<@U3>" not in answer
    assert answer.startswith("*Best answer* (bo): @channel *use* the pager &amp; @U3 long")
    assert answer.endswith("…")
    assert len(answer) < 250


async def test_private_messages_are_linked_only_in_their_own_channel(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    secret = await env.slack.post_message("U1", "G1", "TIL the reorg date")
    await env.slack.add_reaction("U2", "G1", secret["ts"], "+1")
    await env.slack.post_message("U2", "C1", "TIL public thing")
    await env.slack.post_message("U3", "C1", "something <https://x.example/>")
    await env.settle()
    await sync_people(env)
    await send_now(env)
    private_link = link_to(env, "G1", secret["ts"])
    assert private_link in json.dumps(digest_in(env, "G1")["blocks"])
    for where in ("C1", "U2", "U3"):
        shown = json.dumps(digest_in(env, where))
        assert private_link not in shown
        assert "reorg" not in shown


def test_message_links_are_built_only_from_what_slack_could_name() -> None:
    base = "https://acme.slack.com/"
    assert message_link(base, "C1AB", "1700000000.000100") == (
        "https://acme.slack.com/archives/C1AB/p1700000000000100"
    )
    assert message_link(base.rstrip("/"), "C1AB", "1.2", "0.5") == (
        "https://acme.slack.com/archives/C1AB/p12?thread_ts=0.5&cid=C1AB"
    )
    assert message_link(base, "C1AB", "1.2", "1.2") == "https://acme.slack.com/archives/C1AB/p12"
    for url, channel, ts in [
        (None, "C1", "1.2"),
        ("", "C1", "1.2"),
        ("javascript:alert(1)//", "C1", "1.2"),
        (base, "", "1.2"),  # a personal note has no channel
        (base, "general", "1.2"),  # an old export's channel name
        (base, "C1|x>", "1.2"),
        (base, "C1", "now"),
        (base, "C1", "1.2>"),
    ]:
        assert message_link(url, channel, ts) is None
    assert "thread_ts" not in str(message_link(base, "C1", "1.2", "<!here>"))
