"""`/serendip`: help, privacy and channel settings."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.inbox import InboxWorker
from bot.store import Store
from handlers.blocks import build_ephemeral, build_forget_confirm, build_help
from handlers.lookup import channel_info, is_admin, is_member

LATER = ("digest", "routing", "flags")
CHANGES_CAPTURE = ("optout", "optin", "channel")
CHANNEL_REF = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


async def handle_serendip(
    ack: AsyncAck, command: dict[str, Any], store: Store, client: AsyncWebClient,
    config: Config, inbox: InboxWorker,
) -> None:  # fmt: skip
    """Answer `/serendip [subcommand]` with an ephemeral reply."""
    words = str(command.get("text") or "").split()
    name = words[0].lower() if words else "help"
    if name in CHANGES_CAPTURE:
        await inbox.catch_up()  # act after the messages sent before the command
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    simple: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = {
        "help": _help,
        "optout": lambda: _opt(store, team_id, user, True),
        "optin": lambda: _opt(store, team_id, user, False),
        "forget-me": _forget_me,
    }
    if name in simple:
        await ack(await simple[name]())
    elif name == "channel" and words[1:2] == ["capture"]:
        await ack(await _channel_capture(command, words[2:], store, client, config))
    elif name in LATER or (name == "channel" and words[1:2] == ["digest"]):
        await ack(build_ephemeral(f"`/serendip {' '.join(words)}` is not available yet."))
    else:
        await ack(build_ephemeral(f"I don't know `{name[:40]}`. Try `/serendip help`."))


async def _help() -> dict[str, Any]:
    return {"response_type": "ephemeral", **build_help()}


async def _forget_me() -> dict[str, Any]:
    return build_forget_confirm()


async def _opt(store: Store, team_id: str, user: str, out: bool) -> dict[str, Any]:
    await store.set_opt_out(team_id, user, out)
    if out:
        return build_ephemeral(
            "You are opted out: Serendip no longer captures what you share or sends you "
            "digests. What was stored before stays until `/serendip forget-me`."
        )
    return build_ephemeral("Welcome back: Serendip captures what you share again.")


async def _channel_capture(
    command: dict[str, Any], args: list[str], store: Store, client: AsyncWebClient, config: Config
) -> dict[str, Any]:
    setting = args[0].lower() if args else ""
    if setting not in ("on", "off"):
        return build_ephemeral("Usage: `/serendip channel capture on|off [#channel]`")
    channel_id = str(command.get("channel_id", ""))
    if len(args) > 1:
        match = CHANNEL_REF.match(args[1])
        if match is None:
            return build_ephemeral("Name the channel as a link, like #general.")
        channel_id = match.group(1)
    if channel_id[:1] == "D":
        return build_ephemeral("Capture settings are for channels; direct messages are never read.")
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    if not (await is_member(client, channel_id, user) or await is_admin(config, client, user)):
        return build_ephemeral("Only members of that channel and admins can change its capture.")
    info = await channel_info(store, client, team_id, channel_id)
    if info.is_dm:
        return build_ephemeral("Capture settings are for channels; direct messages are never read.")
    await store.update_channel(team_id, channel_id, capture=setting, is_private=info.is_private)
    where = f"<#{channel_id}>"
    return build_ephemeral(f"Capture is now *{setting}* in {where}.")
