"""The designed week of issue 14, through the real bot: ann's network of trust in her digest.

The interaction graph is seeded straight into its table (what live reactions, replies and
mentions will record); votes come from real reactions.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bot.network import monday_of
from bot.store.sql.interactions import Interaction, add_interactions
from jobs.compose import Composer, personal_digest
from jobs.digests import due_period, load, zone
from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now
from tests.support.rawdb import raw

ANN, BOB, CAT = "U1", "U2", "U3"  # ann works with bob and cat
DAN, EVE, FAY, GUS = "U7", "U8", "U9", "U10"  # people ann never works with (fay: one vote)


async def designed_week(env: Env) -> dict[str, str]:
    """Two links in #general with two votes each (by bob and cat; by dan and eve, newer),
    one in #ops (ann is not in it) with two votes by strangers; ann votes once."""
    for user, name in ((DAN, "dan"), (EVE, "eve"), (FAY, "fay"), (GUS, "gus")):
        env.slack.add_user(user, name=name)
        await env.slack.user_joins(user, "C1")
    env.slack.add_channel("COPS", name="ops", members=[BOB, DAN, EVE, GUS], bot_member=True)
    seen = await env.slack.post_message(FAY, "C1", "seen <https://fay.example/>")
    await env.slack.add_reaction(ANN, "C1", str(seen["ts"]), "+1")  # ann's one vote
    urls = {
        "https://team.example/": (DAN, "C1", (BOB, CAT)),
        "https://crowd.example/": (GUS, "C1", (DAN, EVE)),
        "https://ops.example/": (GUS, "COPS", (DAN, EVE)),
    }
    ids = {}
    for url, (sharer, channel, voters) in urls.items():
        posted = await env.slack.post_message(sharer, channel, f"read <{url}>")
        for voter in voters:
            await env.slack.add_reaction(voter, channel, str(posted["ts"]), "+1")
    await env.settle()
    snap = await load(env.store, env.team, datetime.now(UTC))
    for item_id, facts in snap.items.items():
        ids[str(facts.url)] = item_id
    return ids


def graph(env: Env, scope: str, *colleagues: str) -> None:
    """ann reacts to, replies to and mentions each colleague this week, in `scope`."""
    week = monday_of(time.time()).isoformat()
    counts = [
        Interaction(week, scope, ANN, c, kind)
        for c in colleagues
        for kind in ("reaction", "reply", "mention")
    ]
    raw(env.store, add_interactions, env.team, counts)


async def test_anns_network_lifts_what_it_endorsed(env: Env) -> None:
    ids = await designed_week(env)
    team, crowd, ops = (ids[f"https://{h}.example/"] for h in ("team", "crowd", "ops"))
    now = datetime.now(UTC)
    period = due_period(now, zone("Europe/Lisbon", "UTC"), "weekly", env.config, True)
    assert period is not None
    before = personal_digest(Composer(await load(env.store, env.team, now)), ANN, period)
    assert before is not None
    assert before.item_ids.index(crowd) < before.item_ids.index(team)  # newer, same votes
    graph(env, "", BOB, CAT)
    graph(env, "G1", DAN, EVE, DAN, EVE)  # stronger, but in a private channel: no ties
    await send_now(env)
    shown = item_ids(digest_in(env, ANN))
    assert shown.index(team) < shown.index(crowd)  # endorsed by bob and cat: above strangers
    assert ops in shown  # well endorsed in a channel she is not in: it reaches her
    text = str(digest_in(env, ANN)["blocks"])
    assert "bo and cy found this useful" in text  # named: both are in her network
    general = item_ids(digest_in(env, "C1"))  # a public digest knows no network
    assert general.index(crowd) < general.index(team)
