"""Per-workspace settings (issue 17, item 4) with the bot installed by OAuth in two workspaces
of one local Slack: an admin of workspace A changes A's settings in Home's admin section;
workspace B keeps the environment's; non-admins never see the section, and a forged press or
submission from one changes nothing."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.team_settings import team_config
from handlers.blocks.admin import EDIT_ACTION, MODAL_ID
from handlers.views.team_settings import NOT_ADMIN, SAVED, UNSEEN
from jobs.questions import REROUTE_AFTER, reroute_unanswered
from localslack.server import LocalSlack
from localslack.tenants import Tenant
from localslack.types import Ack
from tests.support.ask import ask, cards, routed, seed_kafka
from tests.support.bot import Env
from tests.support.home import texts
from tests.support.oauth import oauth_bot

Space = LocalSlack | Tenant
Spaces = tuple[Env, Tenant]


@pytest.fixture
async def spaces(tmp_path: Path) -> AsyncIterator[Spaces]:
    """The bot installed in A (the small team: U3 is a Slack admin) and B (U21 its admin)."""
    async with oauth_bot(tmp_path) as (env, browser):
        two = env.slack.add_workspace("T2", name="Two")
        two.add_user("U21", name="dee", is_admin=True)
        two.add_user("U22", name="eli")
        two.add_channel("C21", name="general", members=["U21", "U22"], bot_member=True)
        for team in (env.slack.team_id, "T2"):
            env.slack.oauth.next_team = team
            status, body = await browser.install()
            assert status == 200, body
        yield env, two


async def home_of(env: Env, space: Space, user: str) -> str:
    """What a person reads in their Home in `space`, opened now."""
    await space.open_home(user)
    await env.settle()
    return texts(space.home_views[user]["blocks"])


ELEMENTS = {  # each setting's element, and the key under which it reports what was chosen
    "digest_day": ("static_select", "selected_option"),
    "digest_hour": ("static_select", "selected_option"),
    "tz": ("plain_text_input", "value"),
    "admins": ("multi_users_select", "selected_users"),
    "ask_channel": ("conversations_select", "selected_conversation"),
    "report_channel": ("conversations_select", "selected_conversation"),
    "routing_cap": ("number_input", "value"),
}


def values(**given: str | list[str] | None) -> dict[str, Any]:
    """A submission's state: the settings given, each as its element reports it."""
    found: dict[str, Any] = {}
    for name, value in given.items():
        kind, key = ELEMENTS[name]
        chosen = {"value": value} if key == "selected_option" else value
        found[name] = {"value": {"type": kind, key: chosen}}
    return found


async def submit(env: Env, space: Space, user: str, **given: str | list[str] | None) -> Ack:
    ack = await space.view_submission(user, MODAL_ID, values(**given))
    await env.settle()
    return ack


async def test_an_admin_changes_workspace_a_and_b_keeps_the_defaults(spaces: Spaces) -> None:
    env, two = spaces
    a = env.slack.team_id
    assert "Admin settings" not in await home_of(env, env.slack, "U1")
    shown = await home_of(env, env.slack, "U3")  # a Slack admin: no admins are set yet
    assert "Admin settings" in shown
    assert "*Digest day:* Monday _(default)_" in shown
    ack = await env.slack.block_action("U3", EDIT_ACTION, "edit", container_type="view")
    assert ack.status == 200
    await env.settle()
    assert env.slack.modal_for(MODAL_ID) is not None
    ack = await submit(
        env,
        env.slack,
        "U3",
        digest_day="fri",
        digest_hour="7",
        tz="Europe/Paris",
        admins=["U3", "U1"],
        report_channel="C1",
    )
    assert ack.status == 200
    assert not (ack.body or {}).get("errors")
    assert await env.store.team_settings(a) == {
        "digest_day": "fri",
        "digest_hour": "7",
        "tz": "Europe/Paris",
        "admins": "U3,U1",
        "report_channel": "C1",
    }
    refreshed = texts(env.slack.home_views["U3"]["blocks"])
    assert SAVED in refreshed
    assert "*Digest day:* Friday\n" in refreshed
    assert "*Report channel:* <#C1>\n" in refreshed
    assert "Admin settings" in await home_of(env, env.slack, "U1")  # now one of A's admins
    mine = await team_config(env.store, env.config, a)
    assert (mine.digest_day, mine.digest_hour, mine.tz) == ("fri", 7, "Europe/Paris")
    # Workspace B: nothing of A's, its own Slack admin still its admin.
    assert await env.store.team_settings("T2") == {}
    theirs = await home_of(env, two, "U21")
    assert "*Digest day:* Monday _(default)_" in theirs
    assert "*Report channel:* none _(default)_" in theirs
    assert "Admin settings" not in await home_of(env, two, "U22")


async def test_a_non_admin_never_sees_the_section_and_a_forgery_stores_nothing(
    spaces: Spaces,
) -> None:
    env, two = spaces
    assert "Admin settings" not in await home_of(env, env.slack, "U2")
    ack = await env.slack.block_action("U2", EDIT_ACTION, "edit", container_type="view")
    assert ack.status == 200
    await env.settle()
    assert env.slack.modal_for(MODAL_ID) is None  # the press opened nothing
    ack = await submit(env, env.slack, "U2", digest_day="sun", admins=["U2"])
    assert ack.body == {"response_action": "errors", "errors": {"digest_day": NOT_ADMIN}}
    assert await env.store.team_settings(env.slack.team_id) == {}
    # Nor can B's own non-admin change B's.
    ack = await submit(env, two, "U22", digest_day="sun")
    assert (ack.body or {}).get("errors") == {"digest_day": NOT_ADMIN}
    assert await env.store.team_settings("T2") == {}


async def test_bad_input_is_shown_in_the_modal_and_nothing_is_stored(spaces: Spaces) -> None:
    env, _ = spaces
    ack = await submit(
        env,
        env.slack,
        "U3",
        digest_day="tue",
        tz="Mars/Olympus_Mons",
        digest_hour="24",
        report_channel="T0NOTACHANNEL",
        routing_cap="-2",
    )
    assert ack.status == 200
    assert ack.body is not None
    assert ack.body["response_action"] == "errors"
    errors = ack.body["errors"]
    assert set(errors) == {"tz", "digest_hour", "report_channel", "routing_cap"}
    assert "not a known IANA time zone" in errors["tz"]
    assert "between 0 and 23" in errors["digest_hour"]
    assert await env.store.team_settings(env.slack.team_id) == {}
    # A well-formed id of another workspace's channel: A's bot cannot see it.
    ack = await submit(env, env.slack, "U3", digest_day="tue", ask_channel="C21")
    assert ack.body == {"response_action": "errors", "errors": {"ask_channel": UNSEEN}}
    assert await env.store.team_settings(env.slack.team_id) == {}


async def test_listeners_follow_the_workspace_settings_at_once(http_env: Env) -> None:
    """One bot token: the workspace's ask channel, set in Home, is where `/ask` posts."""
    await http_env.store.change_team_settings(http_env.team, {"ask_channel": "C2"})
    body = await ask(http_env, "U1", "where do we keep the oncall runbook?", channel="G1")
    assert "Posted your question in <#C2>" in body["text"]
    assert len(cards(http_env, "C2")) == 1
    assert cards(http_env, "G1") == []


async def test_routing_follows_the_workspace_cap_in_ask_and_in_rerouting(http_env: Env) -> None:
    """A routing cap of 0 set in Home: `/ask` and the 48-hour re-routing ask nobody."""
    await seed_kafka(http_env)
    await http_env.store.change_team_settings(http_env.team, {"routing_cap": "0"})
    await ask(http_env, "U1", "Who can explain kafka partition storms?")
    assert len(cards(http_env)) == 1
    assert routed(http_env) == []  # the environment's cap (3) would ask U2 and U3
    client = AsyncWebClient(token=http_env.slack.bot_token, base_url=http_env.slack.api_url)
    later = time.time() + REROUTE_AFTER + 60
    assert await reroute_unanswered(http_env.store, client, http_env.config, later) == 0
    assert routed(http_env) == []
