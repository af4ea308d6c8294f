"""Meeting Serendip in Home: the welcome on a first visit, and "Your learning network"."""

from __future__ import annotations

import time

from tests.support.bot import Env
from tests.support.digests import send_now
from tests.support.home import buttons, open_home, press
from tests.support.rawdb import raw


async def test_welcome_on_first_open_only_with_preview_and_send_button(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "worth it <https://welcome.example/guide>")
    await env.settle()
    first = await open_home(env, "U1")
    assert "Welcome to Serendip" in first
    assert "https://welcome.example/guide" in first  # the preview of U1's own digest
    assert "Send me the weekly digest" in first  # U1 did nothing yet: no digest as things stand
    assert buttons(env, "U1", "home_cadence_weekly")
    again = await press(env, "U1", "home_cadence_weekly", "weekly")
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"
    assert "Welcome to Serendip" not in again
    assert "Welcome to Serendip" not in await open_home(env, "U1")


async def test_welcome_offers_stop_to_an_active_person(env: Env) -> None:
    await env.store.note_person_activity(env.team, "U2", time.time())
    text = await open_home(env, "U2")
    assert "Welcome to Serendip" in text
    assert "Stop my digest" in text
    assert "Send me the weekly digest" not in text
    await press(env, "U2", "home_cadence_off", "off")
    assert await env.store.digest_cadence(env.team, "U2") == "off"


async def test_no_welcome_is_recorded_for_someone_opted_out(env: Env) -> None:
    await env.slack.slash_command("U3", "C1", "/serendip", "optout")
    assert "Welcome to Serendip" not in await open_home(env, "U3")
    await env.slack.slash_command("U3", "C1", "/serendip", "optin")
    assert "Welcome to Serendip" in await open_home(env, "U3")


async def test_learning_network_counts_public_votes_both_ways(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    a = await env.slack.post_message("U2", "C1", "a <https://net.example/a>")
    b = await env.slack.post_message("U2", "C2", "b <https://net.example/b>")
    c = await env.slack.post_message("U3", "C1", "c <https://net.example/c>")
    mine = await env.slack.post_message("U1", "C1", "d <https://net.example/d>")
    hush = await env.slack.post_message("U2", "G1", "e <https://net.example/e>")
    for channel, shared in (("C1", a), ("C2", b), ("C1", c), ("G1", hush)):
        await env.slack.add_reaction("U1", channel, str(shared["ts"]), "+1")
    await env.slack.add_reaction("U2", "C1", str(mine["ts"]), "bulb")
    await env.settle()
    [mine_id] = [i["id"] for i in await env.items() if i["url"] == "https://net.example/d"]
    # A Useful press in cy's own digest DM: nobody saw it in Slack, so it names nobody.
    await send_now(env)
    dm = env.slack.dm_channel("U3")
    [digest] = env.slack.messages(dm)
    await env.slack.block_action("U3", "digest_useful", mine_id, dm, str(digest["ts"]))
    await env.settle()
    votes = "SELECT voter, is_private FROM votes WHERE item_id = ? AND via NOT LIKE 'm:%'"
    assert raw(env.store, lambda db: db.execute(votes, [mine_id]).fetchall()) == [("U3", 0)]
    assert len(await env.items()) == 5  # G1's share is captured (private to G1)
    await open_home(env, "U1")  # the first visit: the welcome
    text = await open_home(env, "U1")
    assert "Your learning network" in text
    # U2's private-channel share (voted in G1) is not counted: 2, not 3.
    assert "Whose shares you found useful:* bo (2), cy (1)" in text
    [found_mine] = [line for line in text.splitlines() if "Who found your shares" in line]
    assert found_mine.endswith("Who found your shares useful:* bo (1)")  # not cy's button
    others = await open_home(env, "U3")
    assert "bo (2)" not in others  # U1's network is U1's alone
    assert "Who found your shares useful:* ana (1)" in others
