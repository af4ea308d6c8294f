"""The workspace settings modal's submission: checked as the environment is, then stored for
the workspace (admins only), and Home shown again with the settings now in force."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import WORKSPACE_SETTINGS, Config, ConfigError, workspace_setting
from bot.later import Later
from bot.store import Store
from bot.team_settings import team_config
from handlers.blocks.admin import LABELS, STATS_ON, VALUE
from handlers.features.home import publish_home
from handlers.features.lookup import is_admin

log = logging.getLogger(__name__)
NOT_ADMIN = "Only this workspace's admins can change its settings."
UNSEEN = "Serendip cannot see that channel in this workspace."
SAVED = "Saved the workspace settings."
OPTIONAL = ("admins", "ask_channel", "report_channel")  # none chosen: back to the default
Changes = dict[str, str | None]


def submitted(values: dict[str, Any]) -> dict[str, str]:
    """Each setting's submitted value as the environment variable's text ('' for none
    chosen); settings the submission leaves out are not in it."""
    found: dict[str, str] = {}
    for name in LABELS:
        state = (values.get(name) or {}).get(VALUE)
        if not isinstance(state, dict):
            continue
        if "selected_option" in state:
            found[name] = str((state["selected_option"] or {}).get("value") or "")
        elif "selected_users" in state:
            found[name] = ",".join(str(u) for u in state["selected_users"] or [])
        elif "selected_conversation" in state:
            found[name] = str(state["selected_conversation"] or "")
        elif "selected_options" in state:
            chosen = [o.get("value") for o in state["selected_options"] or []]
            found[name] = "on" if STATS_ON in chosen else "off"
        else:
            found[name] = str(state.get("value") or "")
    return found


def checked(raw: dict[str, str], defaults: Config) -> tuple[Changes, dict[str, str]]:
    """(changes to store, errors by block): a value equal to the environment's, or none
    chosen, clears the workspace's own so the default applies."""
    changes: Changes = {}
    errors: dict[str, str] = {}
    for name, text in raw.items():
        if name in OPTIONAL and not text.strip():
            changes[name] = None
            continue
        try:
            value = workspace_setting(name, text)
        except ConfigError as exc:
            # The check's own words, naming the field as the modal does.
            errors[name] = str(exc).replace(WORKSPACE_SETTINGS[name], LABELS[name])[:150]
            continue
        changes[name] = None if value == getattr(defaults, name) else text.strip()
    return changes, errors


async def unseen_channels(
    client: AsyncWebClient, config: Config, changes: Changes
) -> dict[str, str]:
    """Errors for newly chosen channels this workspace's bot cannot see (an id of another
    workspace, in a forged submission)."""
    errors: dict[str, str] = {}
    for name in ("ask_channel", "report_channel"):
        channel = changes.get(name)
        if not channel or channel == getattr(config, name):
            continue
        try:
            await client.conversations_info(channel=channel)
        except SlackApiError:
            errors[name] = UNSEEN
    return errors


async def handle_team_settings_submission(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    context: dict[str, Any],
    later: Later,
) -> None:
    """Store the workspace's settings from the modal, or show what is wrong in it; from
    anyone but the workspace's admins, nothing is stored."""
    team_id, user = str(context["team_id"]), str(body["user"]["id"])
    if not await is_admin(config, client, user):
        log.warning("workspace settings: %s is not an admin; nothing stored", user)
        await ack(response_action="errors", errors={"digest_day": NOT_ADMIN})
        return
    defaults: Config = context["defaults"]
    values = (view.get("state") or {}).get("values") or {}
    changes, errors = checked(submitted(values), defaults)
    errors = errors or await unseen_channels(client, config, changes)
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await store.change_team_settings(team_id, changes)
    await ack()
    log.info("workspace %s settings changed by %s: %s", team_id, user, sorted(changes))
    now = await team_config(store, defaults, team_id)
    later.run(publish_home(client, store, team_id, user, SAVED, config=now), "home")
