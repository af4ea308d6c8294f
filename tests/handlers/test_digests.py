"""Digests with the real bot: the settings commands, and the buttons on a posted digest."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jobs.compose import Composer, candidate, personal_digest
from jobs.digests import load
from jobs.periods import now_period
from jobs.ranking import score
from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now
from tests.support.home import buttons, open_home, press


async def test_personal_and_channel_digest_commands(env: Env) -> None:
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "digest daily")
    assert "every weekday" in str(ack.body)
    assert await env.store.digest_cadence(env.team, "U1") == "daily"
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "digest sometimes")
    assert "Usage" in str(ack.body)
    assert "daily" in str(ack.body)
    await env.slack.slash_command("U1", "C1", "/serendip", "digest off")
    assert await env.store.digest_cadence(env.team, "U1") == "off"
    ack = await env.slack.slash_command("U2", "C1", "/serendip", "channel digest off <#CTIL|til>")
    assert "Only members" in str(ack.body)  # U2 is no member of #til, and no admin
    ack = await env.slack.slash_command("U1", "C2", "/serendip", "channel digest off")
    assert "Digest is now *off*" in str(ack.body)
    await env.slack.post_message("U2", "C2", "look <https://random.example/>")
    await env.slack.post_message("U2", "C1", "look <https://general.example/>")
    await env.settle()
    await send_now(env)
    rows = {r.recipient: r.status for r in await env.store.outbox_rows(None, env.team)}
    assert "C2" not in rows
    assert rows["C1"] == "sent"
    assert "U1" not in rows  # digests off for U1


async def _two_items_for_u1(env: Env) -> dict[str, object]:
    """U1's digest, listing two links U2 shared on two sites."""
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U2", "C1", "two <https://two.example/b>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")
    await env.settle()
    await send_now(env)
    return digest_in(env, "U1")


async def test_useful_and_less_like_this_buttons(env: Env) -> None:
    message = await _two_items_for_u1(env)
    ids = item_ids(message)
    assert len(ids) == 2
    dm = env.slack.ws.dm_id("U1")
    ack = await env.slack.block_action("U1", "digest_useful", ids[0], dm, str(message["ts"]))
    assert ack.status == 200
    await env.settle()
    exported = {i["id"]: i for i in await env.items()}
    assert "U1" in str(exported[ids[0]]["votes"])
    assert "Useful ✓" in str(digest_in(env, "U1")["blocks"])  # their DM shows their vote
    # "Less like this" on the other item: it sinks below an equal one in U1's next digest.
    await env.slack.block_action("U1", "digest_less", ids[1], dm, str(message["ts"]))
    await env.slack.block_action("U1", "digest_less_site", ids[1], dm, container_type="ephemeral")
    await env.slack.post_message("U3", "C1", "three <https://three.example/c>")
    await env.settle()
    snap = await load(env.store, env.team, datetime.now(UTC))
    snap.sent.pop("U1", None)
    period = now_period(datetime.now(UTC), ZoneInfo("UTC"), "weekly", "mon", 9)
    again = personal_digest(Composer(snap), "U1", period)
    assert again is not None
    order = [i.item_id for s in again.view.sections for i in s.items]
    assert ids[0] not in order  # voted now
    assert order.index(ids[1]) > 0  # lowered below the new, equal item


async def test_digest_settings_button(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")
    await env.settle()
    await send_now(env)
    message = digest_in(env, "U1")
    await env.slack.block_action(
        "U1", "digest_settings", "", env.slack.ws.dm_id("U1"), str(message["ts"])
    )
    await env.settle()
    assert any("personal digest is *weekly*" in str(r) for r in env.slack.responses)


async def test_a_vote_in_a_private_channels_digest_stays_private(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    await env.slack.post_message("U1", "G1", "inside <https://inside.example/>")
    public = await env.slack.post_message("U3", "C1", "public <https://public.example/>")
    await env.slack.add_reaction("U1", "C1", str(public["ts"]), "+1")
    await env.settle()
    await send_now(env)
    message = digest_in(env, "G1")
    shown = item_ids(message)
    snap = await load(env.store, env.team, datetime.now(UTC))
    [public_id] = [i for i in shown if snap.items[i].url == "https://public.example/"]
    await env.slack.block_action("U2", "digest_useful", public_id, "G1", str(message["ts"]))
    await env.settle()
    facts = (await load(env.store, env.team, datetime.now(UTC))).items[public_id]
    assert ("U2", "G1") in facts.private_votes
    assert "U2" not in facts.public_voters


async def test_an_opted_out_click_records_nothing(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")
    await env.settle()
    await send_now(env)
    message = digest_in(env, "U1")
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    dm = env.slack.ws.dm_id("U1")
    for action in ("digest_useful", "digest_less"):
        await env.slack.block_action("U1", action, item_ids(message)[0], dm, str(message["ts"]))
    await env.settle()
    exported = {i["id"]: i for i in await env.items()}
    assert "U1" not in str(exported[item_ids(message)[0]]["votes"])
    assert any("You opted out" in str(r.get("text")) for r in env.slack.responses)


async def test_less_like_this_asks_site_or_person_says_what_and_undoes(env: Env) -> None:
    message = await _two_items_for_u1(env)
    item, other = item_ids(message)
    domain = str(urlsplit({i["id"]: i["url"] for i in await env.items()}[item]).hostname)
    dm = env.slack.ws.dm_id("U1")
    choices = (
        ("digest_less_site", "domain", domain, domain),
        ("digest_less_person", "sharer", "U2", "bo"),
    )
    for action, kind, value, named in choices:
        await env.slack.block_action("U1", "digest_less", item, dm, str(message["ts"]))
        await env.settle()  # the answer comes after Slack's acknowledgement
        asked = str(env.slack.responses[-1])
        assert f"This site ({domain})" in asked
        assert "This person (bo)" in asked
        assert await env.store.less_liked(env.team, "U1") == []  # nothing until they choose
        await env.slack.block_action("U1", action, item, dm, container_type="ephemeral")
        await env.settle()
        done = str(env.slack.responses[-1])
        assert named in done
        assert "a quarter" in done
        snap = await load(env.store, env.team, datetime.now(UTC))
        less = frozenset(snap.less_like["U1"])
        assert less == {(kind, value)}
        now = time.time()
        chosen, same_sharer = candidate(snap.items[item]), candidate(snap.items[other])
        assert score(chosen, now, less=less) == score(chosen, now) / 4
        # The other item is the same colleague's on another site: lowered only for "person".
        assert (score(same_sharer, now, less=less) < score(same_sharer, now)) == (kind == "sharer")
        home = await open_home(env, "U1")
        assert "You asked to see less of" in home
        assert named in home
        assert buttons(env, "U1", "less_like_undo") == [f"{kind}:{value}"]
        if kind == "domain":  # undone from Home
            home = await press(env, "U1", "less_like_undo", f"{kind}:{value}")
            assert "You asked to see less of" not in home
            assert "Undone" in home
        else:  # undone from the confirmation
            await env.slack.block_action(
                "U1", "less_like_undo", f"{kind}:{value}", dm, container_type="ephemeral"
            )
            await env.settle()
            assert "Undone: *bo* counts as before" in str(env.slack.responses[-1])
        assert await env.store.less_liked(env.team, "U1") == []
