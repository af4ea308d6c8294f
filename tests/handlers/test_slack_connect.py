"""Slack Connect: people of other organisations in shared channels are never counted."""

from __future__ import annotations

from sqlite_utils import Database

from bot.models import UserInfo
from tests.support.bot import Env
from tests.support.rawdb import raw


async def test_an_outsiders_reaction_is_no_vote_flag_or_bookmark(env: Env) -> None:
    posted = await env.slack.post_message("U1", "C1", "<https://shared.example/>")
    for emoji in ("+1", "triangular_flag_on_post", "bookmark"):
        await env.slack.add_reaction("X1", "C1", posted["ts"], emoji)
    await env.slack.add_reaction("U2", "C1", posted["ts"], "+1")
    [item] = await env.items()
    assert item["votes"] == ["U2"]
    assert await env.store.flags(env.team) == []
    assert [s["user"] for s in item["shares"]] == ["U1"]
    # Asked once per person, then remembered.
    assert sorted(c.args["user"] for c in env.slack.calls_of("users.info")) == ["U2", "X1"]


async def test_a_known_colleagues_reaction_asks_slack_nothing(env: Env) -> None:
    # As users.list (the daily people sync) stores them: with their own workspace.
    await env.store.save_user(UserInfo(env.team, "U2", "bo", home_team=env.team))
    await env.store.save_user(UserInfo(env.team, "U3", "cy"))  # stored before m9: unplaced
    posted = await env.slack.post_message("U1", "C1", "<https://known.example/>")
    await env.slack.add_reaction("U2", "C1", posted["ts"], "+1")
    await env.slack.add_reaction("U3", "C1", posted["ts"], "+1")
    await env.slack.add_reaction("X1", "C1", posted["ts"], "+1")
    assert (await env.items())[0]["votes"] == ["U2", "U3"]
    assert sorted(c.args["user"] for c in env.slack.calls_of("users.info")) == ["U3", "X1"]
    # What Slack said is kept in the directory, so no restart asks again.
    stored = [await env.store.user(env.team, uid) for uid in ("U3", "X1")]
    assert [u.home_team if u else None for u in stored] == [env.team, "TOTHER"]


async def test_a_reaction_from_someone_slack_will_not_place_does_not_count(env: Env) -> None:
    posted = await env.slack.post_message("U1", "C1", "<https://unplaced.example/>")
    env.slack.fail_next("users.info", error="user_not_visible", status=200)
    await env.slack.add_reaction("U2", "C1", posted["ts"], "+1")
    assert (await env.items())[0]["votes"] == []
    await env.slack.add_reaction("U3", "C1", posted["ts"], "+1")  # Slack answers again
    assert (await env.items())[0]["votes"] == ["U3"]


async def test_the_installation_not_the_envelope_names_the_workspace(env: Env) -> None:
    await env.slack.post_message("X1", "C1", "<https://theirs.example/>")
    await env.slack.post_message("U1", "C1", "<https://ours.example/>")
    deliveries = [d.payload for d in env.slack.deliveries if d.type == "events_api"]
    assert {d["team_id"] for d in deliveries} == {"TOTHER", env.team}
    assert [i["url"] for i in await env.items()] == ["https://ours.example/"]
    teams = raw(
        env.store, lambda db: {r[0] for r in Database.execute(db, "SELECT team_id FROM inbox")}
    )
    assert teams == {env.team}


async def test_a_file_share_says_its_team_only_in_its_files(env: Env) -> None:
    event = {
        "type": "message",
        "subtype": "file_share",
        "text": "our deck <https://deck.example/>",
        "files": [{"id": "F0OUTSIDE", "user": "X1", "user_team": "TOTHER", "name": "deck.pdf"}],
        "upload": True,
        "user": "X1",
        "display_as_bot": False,
        "ts": "1780000000.000100",
        "channel": "C1",
        "event_ts": "1780000000.000100",
        "channel_type": "channel",
    }
    await env.slack.send_event(event)
    mine = {**event, "user": "U1", "ts": "1780000001.000100", "event_ts": "1780000001.000100"}
    mine["files"] = [{"id": "F0INSIDE", "user": "U1", "user_team": env.team, "name": "a.pdf"}]
    await env.slack.send_event(mine)
    assert [(i["url"], [s["user"] for s in i["shares"]]) for i in await env.items()] == [
        ("https://deck.example/", ["U1"])
    ]
