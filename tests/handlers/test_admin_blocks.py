"""The admin settings builders, the reading of the modal's submission, and `team_config`: pure
functions, checked against Slack's limits and the environment's own checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Config, load_config
from bot.store import Store
from bot.team_settings import team_config, with_overrides
from handlers.blocks.admin import EDIT_ACTION, MODAL_ID, build_admin_section, build_settings_modal
from handlers.blocks.home import HomeData, Settings, build_home
from handlers.views.team_settings import checked, submitted
from localslack.blockkit import check_view
from tests.handlers.test_home_blocks import COUNTS

ENV = load_config(
    {"SERENDIP_ADMINS": "U1", "SERENDIP_REPORT_CHANNEL": "CREPORT", "SERENDIP_TZ": "UTC"}, None
)


def state(**chosen: dict[str, Any]) -> dict[str, Any]:
    """A view_submission's `state.values`: one block per setting, its element `value`."""
    return {name: {"value": element} for name, element in chosen.items()}


def test_the_section_shows_each_setting_and_which_are_defaults() -> None:
    config = with_overrides(ENV, {"digest_day": "fri", "admins": "U2,U1"})
    blocks = build_admin_section(config, {"digest_day", "admins"})
    text = blocks[1]["text"]["text"]
    assert "*Digest day:* Friday\n" in text  # its own: no "(default)"
    assert "*Digest hour:* 09:00 _(default)_" in text
    assert "*Admins:* <@U1>, <@U2>\n" in text
    assert "*Report channel:* <#CREPORT> _(default)_" in text
    assert "*Ask channel:* none _(default)_" in text
    assert "*Individual stats:* off _(default)_" in text
    assert blocks[1]["accessory"]["action_id"] == EDIT_ACTION
    view = build_home(HomeData(Settings("weekly", True, False), COUNTS, [], [], [], admin=blocks))
    assert check_view(view, ("home",)) is None
    titles = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert titles[:2] == ["Your settings", "Admin settings"]  # early: never cut from a full Home


def test_no_admins_set_reads_as_slack_admins() -> None:
    text = build_admin_section(Config(), set())[1]["text"]["text"]
    assert "*Admins:* Slack's admins and owners _(default)_" in text


def test_the_modal_is_filled_in_with_the_settings_in_force() -> None:
    config = with_overrides(ENV, {"digest_hour": "7", "individual_stats": "on", "tz": "Asia/Tokyo"})
    view = build_settings_modal(config)
    assert view["callback_id"] == MODAL_ID
    assert check_view(view, ("modal",)) is None
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["digest_day"]["initial_option"]["value"] == "mon"
    assert inputs["digest_hour"]["initial_option"]["value"] == "7"
    assert len(inputs["digest_hour"]["options"]) == 24
    assert inputs["tz"]["initial_value"] == "Asia/Tokyo"
    assert inputs["admins"]["initial_users"] == ["U1"]
    assert inputs["report_channel"]["initial_conversation"] == "CREPORT"
    assert "initial_conversation" not in inputs["ask_channel"]
    assert inputs["routing_cap"]["initial_value"] == "3"
    assert inputs["individual_stats"]["initial_options"][0]["value"] == "on"


def test_a_submission_is_read_as_the_variables_text() -> None:
    values = state(
        digest_day={"type": "static_select", "selected_option": {"value": "fri"}},
        tz={"type": "plain_text_input", "value": "Europe/Paris"},
        admins={"type": "multi_users_select", "selected_users": ["U1", "U2"]},
        ask_channel={"type": "conversations_select", "selected_conversation": None},
        routing_cap={"type": "number_input", "value": "5"},
        individual_stats={"type": "checkboxes", "selected_options": []},
    )
    assert submitted(values) == {
        "digest_day": "fri",
        "tz": "Europe/Paris",
        "admins": "U1,U2",
        "ask_channel": "",
        "routing_cap": "5",
        "individual_stats": "off",
    }


def test_checked_keeps_changes_clears_defaults_and_names_each_error() -> None:
    changes, errors = checked(
        {"digest_day": "fri", "tz": "UTC", "admins": "", "routing_cap": "5"}, ENV
    )
    assert errors == {}
    # The environment's value, or none chosen, clears the workspace's own.
    assert changes == {"digest_day": "fri", "tz": None, "admins": None, "routing_cap": "5"}
    _, errors = checked({"tz": "Mars/Base", "digest_hour": "24", "report_channel": "T0OTHER"}, ENV)
    assert errors == {
        "tz": "Time zone is not a known IANA time zone: 'Mars/Base'",
        "digest_hour": "Digest hour must be between 0 and 23, got 24",
        "report_channel": "Report channel has a malformed Slack id: 'T0OTHER'",
    }


async def test_team_config_is_the_environment_with_the_workspace_own(tmp_path: Path) -> None:
    store = Store(tmp_path / "serendip.db").open()
    try:
        assert await team_config(store, ENV, "TA") is ENV
        assert await team_config(store, ENV, None) is ENV
        await store.change_team_settings(
            "TA", {"digest_day": "fri", "admins": "U7,U8", "routing_cap": "0"}
        )
        mine = await team_config(store, ENV, "TA")
        assert (mine.digest_day, mine.admins, mine.routing_cap) == (
            "fri",
            frozenset({"U7", "U8"}),
            0,
        )
        assert (mine.report_channel, mine.tz) == ("CREPORT", "UTC")  # the environment's
        assert await team_config(store, ENV, "TB") is ENV
        await store.change_team_settings("TA", {"admins": None})
        assert (await team_config(store, ENV, "TA")).admins == {"U1"}  # seen at once
    finally:
        store.close()


def test_a_stored_value_a_newer_check_refuses_is_ignored() -> None:
    assert with_overrides(ENV, {"digest_hour": "99", "digest_day": "sun"}).digest_hour == 9
