"""Recorded Slack Connect and Enterprise Grid envelopes (tests/fixtures/recorded-connect-grid,
from bolt-python's shared-channel tests) delivered, signed, to the real bot over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.bot import Env

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "recorded-connect-grid"
SEED_TS = "1599529504.000400"  # the message the recorded reaction is on


def recorded(name: str, env: Env, event_id: str) -> dict[str, Any]:
    """A recorded body moved into the local workspace: the installation (T_INSTALLED) is the
    local team, C111 is #general; the other side's ids (T_SOURCE, E_SOURCE) stay."""
    text = (RECORDED / name).read_text().replace("T_INSTALLED", env.team).replace("C111", "C1")
    body: dict[str, Any] = json.loads(text)
    body["event_id"] = event_id  # the recordings share one id; the inbox keeps one per id
    return body


async def _deliver(env: Env, body: dict[str, Any]) -> None:
    status, _ = await env.slack.send_signed(json.dumps(body).encode())
    assert status == 200
    await env.settle()


async def _seed(env: Env) -> None:
    await env.slack.send_event(
        {
            "type": "message",
            "user": "U1",
            "text": "<https://seed.example/>",
            "ts": SEED_TS,
            "team": env.team,
            "channel": "C1",
            "event_ts": SEED_TS,
            "channel_type": "channel",
        }
    )


async def test_recorded_shared_channel_reactions(http_env: Env) -> None:
    env = http_env
    env.slack.add_user("W111", name="source", team_id="T_SOURCE")  # Slack Connect
    env.slack.add_user("W333", name="sister", team_id="T_SISTER", enterprise_id="E_INSTALLED")
    await _seed(env)
    outsider = recorded("reaction_added_shared_channel.json", env, "EvREC0001")
    assert outsider["team_id"] == "T_SOURCE"
    assert outsider["authorizations"][0]["team_id"] == env.team
    outsider["event"]["reaction"] = "heart"  # a useful emoji, so it would be a vote
    await _deliver(env, outsider)
    colleague = recorded("reaction_added_shared_channel.json", env, "EvREC0002")
    colleague["event"].update(reaction="heart", user="W333")
    await _deliver(env, colleague)
    [item] = await env.items()
    assert item["votes"] == ["W333"]  # the Grid colleague counts, the stranger does not


async def test_recorded_grid_app_mention_from_a_w_user(http_env: Env) -> None:
    env = http_env
    env.slack.add_user("W222", name="wu")
    body = recorded("app_mention_shared_channel.json", env, "EvREC0003")
    await _deliver(env, body)  # nothing to keep in "Hi there!", and no error
    assert await env.items() == []
    body = recorded("app_mention_shared_channel.json", env, "EvREC0004")
    body["event"]["text"] = "<@W111> see <https://grid.example/>"
    await _deliver(env, body)
    [item] = await env.items()
    assert [s["user"] for s in item["shares"]] == ["W222"]
