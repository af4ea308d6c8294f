"""manifest.yml is one Slack would accept, and it declares exactly what the app listens to."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import jsonschema
import pytest
import yaml

from bot.app import build_app
from bot.config import load_config
from bot.installations import BOT_SCOPES
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "fixtures" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"
MESSAGE_EVENTS = {"message.channels", "message.groups", "message.im", "message.mpim"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return data


KINDS = {"command": "commands", "event": "events", "shortcut": "shortcuts"}


def registered(store: Store) -> dict[str, set[str]]:
    """What the real app registers, read from Bolt's listener matchers."""
    config = load_config({"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}, dotenv=None)
    app = build_app(config, store)
    found: dict[str, set[str]] = {"events": set(), "commands": set(), "shortcuts": set()}
    for listener in app._async_listeners:
        for matcher in listener.matchers:
            # Bolt's concrete matchers (builtin and custom) keep `func`; their base class
            # does not declare it.
            kind, value = _constraint(cast(Any, matcher).func)
            if kind in KINDS and isinstance(value, str):
                found[KINDS[kind]].add(value)
    return found


def _constraint(func: Any) -> tuple[str, object]:
    """Bolt's builtin matchers keep their constraint in the closure of a nested function."""
    cells = dict(zip(func.__code__.co_freevars, func.__closure__ or (), strict=True))
    if set(cells) == {"func"}:
        return _constraint(cells["func"].cell_contents)
    kind = func.__qualname__.split(".")[0]
    values = [c.cell_contents for c in cells.values()]
    return kind, values[0] if values else None


def test_manifest_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema)


def test_schema_rejects_a_typo(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    broken = {**manifest, "settings": {**manifest["settings"], "socket_mode_enabeld": True}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_socket_mode_on_by_default(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_declared_and_registered_match_both_ways(manifest: dict[str, Any], store: Store) -> None:
    found = registered(store)
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    shortcuts = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    events = {"message" if e in MESSAGE_EVENTS else e for e in declared}
    assert commands == found["commands"]
    assert shortcuts == found["shortcuts"]
    assert events == found["events"]


def test_scopes_cover_the_declared_events(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needs = {
        "message.channels": "channels:history",
        "message.groups": "groups:history",
        "message.im": "im:history",
        "app_mention": "app_mentions:read",
        "reaction_added": "reactions:read",
        "user_change": "users:read",
    }
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        if event in needs:
            assert needs[event] in scopes, event
    assert "commands" in scopes
    assert "chat:write" in scopes


def test_readme_documents_every_command_and_setting(manifest: dict[str, Any]) -> None:
    readme = (ROOT / "README.md").read_text()
    for command in manifest["features"]["slash_commands"]:
        assert command["command"] in readme
    config_source = (ROOT / "bot" / "config.py").read_text()
    for setting in set(re.findall(r'"((?:SLACK|SERENDIP)_[A-Z_]+|PORT)"', config_source)):
        assert f"`{setting}`" in readme, setting


def test_an_oauth_install_asks_for_the_manifests_bot_scopes(manifest: dict[str, Any]) -> None:
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


@pytest.fixture(scope="module")
def org_manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "manifest.org.yml").read_text())
    return data


def test_the_org_manifest_is_valid_against_slacks_schema(org_manifest: dict[str, Any]) -> None:
    jsonschema.validate(org_manifest, json.loads(SCHEMA.read_text()))


def test_the_org_manifest_declares_what_the_single_one_does(
    manifest: dict[str, Any], org_manifest: dict[str, Any]
) -> None:
    """The same app, distributed: only its URLs and the org-wide, HTTP and rotation settings
    differ."""
    same = dict(org_manifest, settings=dict(org_manifest["settings"]))
    same["features"] = dict(same["features"])
    same["features"]["slash_commands"] = [
        {k: v for k, v in command.items() if k != "url"}
        for command in same["features"]["slash_commands"]
    ]
    same["oauth_config"] = {"scopes": same["oauth_config"]["scopes"]}
    same["settings"]["event_subscriptions"] = {
        "bot_events": same["settings"]["event_subscriptions"]["bot_events"]
    }
    same["settings"]["interactivity"] = {"is_enabled": True}
    settings = {"org_deploy_enabled": True, "socket_mode_enabled": False}
    assert {k: org_manifest["settings"][k] for k in settings} == settings
    assert org_manifest["settings"]["token_rotation_enabled"] is True
    same["settings"].update(
        org_deploy_enabled=False, socket_mode_enabled=True, token_rotation_enabled=False
    )
    assert same == manifest


def test_the_org_manifest_sends_everything_to_the_bots_own_paths(
    org_manifest: dict[str, Any],
) -> None:
    settings = org_manifest["settings"]
    urls = [command["url"] for command in org_manifest["features"]["slash_commands"]]
    urls += [settings["event_subscriptions"]["request_url"]]
    urls += [settings["interactivity"]["request_url"]]
    assert set(urls) == {"https://serendip.example.com/slack/events"}
    redirects = org_manifest["oauth_config"]["redirect_urls"]
    assert redirects == ["https://serendip.example.com/slack/oauth_redirect"]
