"""`/serendip`: help, privacy and channel settings."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.inbox import InboxWorker
from bot.later import Later
from bot.store import Store, cadence_of
from handlers.blocks.common import build_ephemeral, build_forget_confirm, build_help
from handlers.commands.errors import INBOX_HELD
from handlers.commands.flags_review import flags_review
from handlers.features.lookup import channel_info, command_channel_type, is_admin, is_member
from handlers.features.replies import reply_when_ready

CHANGES_CAPTURE = ("optout", "optin", "channel")
CHANNEL_REF = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


async def handle_serendip(
    ack: AsyncAck,
    command: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    config: Config,
    inbox: InboxWorker,
    respond: AsyncRespond,
    later: Later,
) -> None:
    """Answer `/serendip [subcommand]` with an ephemeral reply."""
    words = str(command.get("text") or "").split()
    name = words[0].lower() if words else "help"
    if name in CHANGES_CAPTURE and not await inbox.catch_up() and inbox.held:
        # Messages sent before the command wait out a storage failure: acting now would apply
        # the new setting to them (capture what was sent while opted out, say).
        await ack(build_ephemeral(INBOX_HELD))
        return
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    if name not in ("optout", "forget-me") and not await store.opted_out(team_id, user):
        await store.note_person_activity(team_id, user, time.time())
    simple: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = {
        "help": _help,
        "optout": lambda: _opt(store, team_id, user, True),
        "optin": lambda: _opt(store, team_id, user, False),
        "forget-me": _forget_me,
        "digest": lambda: _digest(store, team_id, user, words[1:]),
        "routing": lambda: _routing(store, team_id, user, words[1:]),
    }
    if name == "flags":
        await ack()  # the review asks Slack who is an admin and who is in which channel
        later.run(reply_when_ready(respond, flags_review(command, store, client, config)), "flags")
    elif name in simple:
        await ack(await simple[name]())
    elif name == "channel" and words[1:2] in (["capture"], ["digest"]):
        # Answered in place, not afterwards: messages that follow must meet the new setting.
        await ack(await _channel_setting(command, words[1], words[2:], store, client, config))
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


async def _digest(store: Store, team_id: str, user: str, args: list[str]) -> dict[str, Any]:
    cadence = cadence_of(args[0].lower()) if len(args) == 1 else None
    if cadence is None:
        current = await store.digest_cadence(team_id, user)
        return build_ephemeral(
            f"Your digest is *{current}*. Usage: `/serendip digest weekly|daily|monthly|off`"
        )
    await store.set_digest_cadence(team_id, user, cadence)
    if cadence == "off":
        return build_ephemeral(
            "No more digests for you. `/serendip digest weekly` brings them back."
        )
    when = {"daily": "every weekday", "monthly": "once a month"}.get(cadence, "once a week")
    return build_ephemeral(f"You will get your digest {when}, when there is something new.")


async def _routing(store: Store, team_id: str, user: str, args: list[str]) -> dict[str, Any]:
    choice = args[0].lower() if args else ""
    if choice not in ("on", "off") or len(args) > 1:
        current = "on" if await store.routing(team_id, user) else "off"
        return build_ephemeral(
            f"Question routing is *{current}* for you. Usage: `/serendip routing on|off`"
        )
    await store.set_routing(team_id, user, choice == "on")
    if choice == "off":
        return build_ephemeral("Serendip will no longer send you questions to answer.")
    return build_ephemeral(
        "Serendip may send you questions you are likely to know about (a few a week at most)."
    )


CHANNEL_SETTINGS = {"capture": ("on", "off"), "digest": ("weekly", "off")}


async def _channel_setting(
    command: dict[str, Any],
    what: str,
    args: list[str],
    store: Store,
    client: AsyncWebClient,
    config: Config,
) -> dict[str, Any]:
    choices = CHANNEL_SETTINGS[what]
    setting = args[0].lower() if args else ""
    if setting not in choices:
        return build_ephemeral(f"Usage: `/serendip channel {what} {'|'.join(choices)} [#channel]`")
    channel_id = str(command.get("channel_id", ""))
    if len(args) > 1:
        match = CHANNEL_REF.match(args[1])
        if match is None:
            return build_ephemeral("Name the channel as a link, like #general.")
        channel_id = match.group(1)
    if channel_id[:1] == "D":
        return build_ephemeral("Channel settings are for channels; direct messages are never read.")
    team_id, user = str(command.get("team_id")), str(command.get("user_id"))
    info = await channel_info(
        store, client, team_id, channel_id, command_channel_type(command) if len(args) < 2 else None
    )
    if info.is_dm:  # a group DM: before membership, which is asked of channels only
        return build_ephemeral("Channel settings are for channels; direct messages are never read.")
    if not (await is_member(client, channel_id, user) or await is_admin(config, client, user)):
        return build_ephemeral(f"Only members of that channel and admins can change its {what}.")
    await store.update_channel(team_id, channel_id, is_private=info.is_private, **{what: setting})
    where = f"<#{channel_id}>"
    return build_ephemeral(f"{what.capitalize()} is now *{setting}* in {where}.")
