"""Issue 14's own test: the designed week, end to end through the real bot and real Slack events.

Nothing is seeded: ann's ties come from her reactions (any emoji), thread replies and mentions,
votes from useful reactions on links, and every assertion reads the digests the local Slack
received. The bot's clock is the wall clock, so the "week" happens within a second (every count
falls in this week or, a second before Monday, the last: both weigh in the network). Privacy:
a private channel's ties, `!nda` messages and DMs tie nobody, and forget-me leaves no count.
"""

from __future__ import annotations

import re

from tests.support.bot import Env
from tests.support.digests import digest_in, send_now, sync_people
from tests.support.graph import involving, pairs

ANN, BOB, CAT = "U1", "U2", "U3"  # ann works with bob and cat (the small team of populate)
DAN, EVE, FAY, GUS, HAL, IVY = "U7", "U8", "U9", "U10", "U11", "U12"  # people ann never works with
TEAM, CROWD, OPS = "https://team.example/", "https://crowd.example/", "https://ops.example/"
LINK = re.compile(r"<([^|>]+)\|")


async def strangers(env: Env) -> None:
    """Six more people in #general, and #ops (without ann) where four of them work."""
    for user, name in ((DAN, "dan"), (EVE, "eve"), (FAY, "fay"), (GUS, "gus"), (HAL, "hal")):
        env.slack.add_user(user, name=name)
        await env.slack.user_joins(user, "C1")
    env.slack.add_user(IVY, name="ivy")
    env.slack.add_channel("COPS", name="ops", members=[BOB, DAN, EVE, HAL, IVY], bot_member=True)


async def workdays(env: Env, channel: str, colleagues: tuple[str, ...]) -> None:
    """ann's week with her colleagues in `channel`: she reacts to what they post (any emoji,
    a useful one on a message with no link too), replies in their threads and mentions them;
    they answer her back. She never votes on a link."""
    for day, emoji in enumerate(("eyes", "tada", "+1", "joy", "white_check_mark")):
        for colleague in colleagues:
            msg = await env.slack.post_message(colleague, channel, f"day {day}: build is green")
            await env.slack.add_reaction(ANN, channel, str(msg["ts"]), emoji)
            await env.slack.post_message(ANN, channel, "nice, thanks", thread_ts=str(msg["ts"]))
            await env.slack.post_message(colleague, channel, "np", thread_ts=str(msg["ts"]))
        names = " ".join(f"<@{c}>" for c in colleagues)
        await env.slack.post_message(ANN, channel, f"{names} pairing at 3?")
    # Strangers work among themselves, in #general and #ops.
    talk = await env.slack.post_message(DAN, "C1", "deploy at noon")
    await env.slack.add_reaction(EVE, "C1", str(talk["ts"]), "eyes")
    ops = await env.slack.post_message(HAL, "COPS", "pager rota <@IVY>")
    await env.slack.post_message(IVY, "COPS", "ack", thread_ts=str(ops["ts"]))


async def links(env: Env) -> None:
    """Three links with equal standing but for who endorsed them: bob and cat vote for the
    team's, dan and eve for the crowd's (shared later, so newer), and dan, eve and hal for one
    in #ops, where ann is not."""
    shared = (
        (HAL, "C1", TEAM, (BOB, CAT)),
        (GUS, "C1", CROWD, (DAN, EVE)),
        (IVY, "COPS", OPS, (DAN, EVE, HAL)),
    )
    for sharer, channel, url, voters in shared:
        posted = await env.slack.post_message(sharer, channel, f"worth a read <{url}>")
        for voter in voters:
            await env.slack.add_reaction(voter, channel, str(posted["ts"]), "+1")


async def votes_once(env: Env) -> None:
    """ann's one vote, on fay's link in #general (not one of the three)."""
    seen = await env.slack.post_message(FAY, "C1", "seen this? <https://fay.example/>")
    await env.slack.add_reaction(ANN, "C1", str(seen["ts"]), "star")
    await env.settle()


def shown(message: dict[str, object]) -> dict[str, tuple[str, str]]:
    """Each item a digest shows, by URL: (the section it is in, its "why" line)."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    found: dict[str, tuple[str, str]] = {}
    heading = ""
    for block in blocks:
        if block["type"] != "section":
            continue
        text = str(block["text"]["text"])
        if "\n" not in text:  # a section's heading (issue 15: a bold section, not grey)
            heading = text.strip("*")
        else:
            match = LINK.search(text)
            assert match, text
            found[match.group(1)] = (heading, text.rsplit("\n", 1)[-1].strip("_"))
    return found


def order(message: dict[str, object]) -> list[str]:
    """The URLs a digest shows, top to bottom."""
    return list(shown(message))


def intro(message: dict[str, object]) -> str:
    """The first line under the digest's title."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    assert blocks[1]["type"] == "context"
    return str(blocks[1]["elements"][0]["text"])


async def test_ann_reads_gets_a_digest_and_her_network_ranks_it(env: Env) -> None:
    await strangers(env)
    await workdays(env, "C1", (BOB, CAT))
    await links(env)
    await env.settle()
    assert not [i for i in await env.items() if ANN in i["votes"]]
    await send_now(env)
    first = digest_in(env, ANN)  # she never shared nor voted: her reactions made her active
    assert "because you were active" in intro(first)
    assert "`/serendip digest off`" in intro(first)
    assert "stops it" in intro(first)
    assert TEAM in order(first)

    await votes_once(env)
    await sync_people(env)
    await send_now(env, force=True)
    digest = digest_in(env, ANN)
    assert digest["ts"] != first["ts"]
    seen = shown(digest)
    assert order(digest).index(TEAM) < order(digest).index(CROWD)  # same votes, hers first
    assert seen[TEAM] == ("For you", "bo and cy found this useful")
    assert seen[CROWD] == ("For you", "useful to 2 people")
    assert seen[OPS] == ("You might not know you need this", "useful to 3 people in #ops")
    general = order(digest_in(env, "C1"))  # a channel's digest knows no network: newer first
    assert general.index(CROWD) < general.index(TEAM)


async def test_a_private_channels_ties_never_move_a_public_digest(env: Env) -> None:
    await strangers(env)
    await env.slack.user_joins(CAT, "G1")
    await env.slack.slash_command(ANN, "G1", "/serendip", "channel capture on")
    await workdays(env, "G1", (BOB, CAT))  # all of ann's week with them is in #secret
    await links(env)
    await votes_once(env)
    found = await pairs(env.store, env.team)
    assert ("G1", ANN, BOB, "reply", 5) in found  # counted, in the channel's own graph
    assert not [p for p in involving(found, ANN) if p[0] == "" and {BOB, CAT} & {p[1], p[2]}]
    await send_now(env)
    digest = digest_in(env, ANN)
    assert order(digest).index(CROWD) < order(digest).index(TEAM)  # as if no network
    assert not [
        why for _, why in shown(digest).values() if "you work with" in why or "found this" in why
    ]


async def test_forget_me_leaves_no_count_to_come_back_to(env: Env) -> None:
    await strangers(env)
    await workdays(env, "C1", (BOB, CAT))
    await links(env)
    await env.settle()
    assert involving(await pairs(env.store, env.team), BOB)
    await env.slack.slash_command(BOB, "C1", "/serendip", "forget-me")
    await env.slack.block_action(
        BOB,
        action_id="forget_me_confirm",
        value="confirm",
        channel="C1",
        container_type="ephemeral",
    )
    await env.settle()
    assert involving(await pairs(env.store, env.team), BOB) == []
    # bob comes back and finds the #ops link useful: to ann he is a stranger now.
    await env.slack.slash_command(BOB, "C1", "/serendip", "optin")
    ops = [m for m in env.slack.messages("COPS") if OPS in str(m.get("text"))]
    await env.slack.add_reaction(BOB, "COPS", str(ops[0]["ts"]), "+1")
    await votes_once(env)
    await sync_people(env)
    await send_now(env)
    seen = shown(digest_in(env, ANN))
    assert seen[OPS][1] == "useful to 4 people in #ops"  # bob's new vote, no tie to ann
    assert seen[TEAM][1] == "cy found this useful"  # cat's tie is still there


async def test_nda_messages_and_dms_tie_nobody(env: Env) -> None:
    await strangers(env)
    for day in range(3):
        for colleague in (BOB, CAT):
            msg = await env.slack.post_message(colleague, "C1", f"!nda day {day}: the roadmap")
            await env.settle()  # the bot saw it marked before anyone answers it
            await env.slack.add_reaction(ANN, "C1", str(msg["ts"]), "eyes")
            await env.slack.post_message(ANN, "C1", f"<@{colleague}> ok", thread_ts=str(msg["ts"]))
        await env.slack.post_message(ANN, "C1", f"!nda <@{BOB}> <@{CAT}> pairing at 3?")
        await env.slack.dm_bot(ANN, f"what did <@{BOB}> and <@{CAT}> share?")
    await links(env)
    await votes_once(env)
    assert not [p for p in involving(await pairs(env.store, env.team), ANN) if FAY not in p]
    await send_now(env)
    digest = digest_in(env, ANN)  # active all the same: she reacted and replied
    assert order(digest).index(CROWD) < order(digest).index(TEAM)
    assert not [
        why for _, why in shown(digest).values() if "you work with" in why or "found this" in why
    ]
