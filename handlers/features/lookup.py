"""Facts about channels and people: from the store first, from Slack when unknown."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_rules import person_is_outsider
from bot.config import Config
from bot.models import ChannelInfo, user_from_api
from bot.store import Store

log = logging.getLogger(__name__)
PRIVATE_TYPES = ("group", "G", "mpim")


def command_in_dm(command: dict[str, Any]) -> bool:
    """Whether a slash command was run in a direct message or a group DM, not a channel."""
    # A group DM may have a C or G id; Slack names it `mpdm-<names>-1` in the payload.
    channel_id = str(command.get("channel_id") or "")
    return channel_id[:1] in ("", "D") or str(command.get("channel_name", "")).startswith("mpdm-")


def channel_from_api(team_id: str, data: dict[str, Any]) -> ChannelInfo:
    """A ChannelInfo from a conversations.info `channel` object."""
    return ChannelInfo(
        team_id=team_id,
        id=str(data["id"]),
        name=data.get("name"),
        is_private=bool(data.get("is_private") or data.get("is_group")),
        is_archived=bool(data.get("is_archived")),
        is_member=bool(data.get("is_member", True)),
        is_dm=bool(data.get("is_im") or data.get("is_mpim")),
    )


def command_channel_type(command: dict[str, Any]) -> str | None:
    """The channel_type a slash command's `channel_name` implies: Slack names every private
    channel `privategroup` (its real name is secret) and every DM `directmessage`."""
    name = str(command.get("channel_name") or "")
    if name == "privategroup":
        return "group"
    if name == "directmessage":
        return "im"
    return "mpim" if name.startswith("mpdm-") else None


async def fetch_channel(
    client: AsyncWebClient, team_id: str, channel_id: str
) -> ChannelInfo | None:
    """Ask Slack about a channel; None when Slack will not say."""
    try:
        response = await client.conversations_info(channel=channel_id)
    except SlackApiError as exc:
        log.warning("conversations.info %s failed: %s", channel_id, exc.response.get("error"))
        return None
    return channel_from_api(team_id, response["channel"])


async def channel_info(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    channel_id: str,
    channel_type: str | None = None,
    member: bool = False,
) -> ChannelInfo:
    """What we know of a channel, asking Slack (and remembering) when it is new to us, when
    the event's `channel_type` contradicts what we stored (a channel made private), or when
    the caller knows the bot is a member (`member`: Slack delivered a message from there) but
    the stored row says it is not."""
    known = await store.channel(team_id, channel_id)
    if _trusted(known, channel_type, member):
        assert known is not None
        return known
    fetched = await fetch_channel(client, team_id, channel_id)
    if fetched is None:
        return _judged(team_id, channel_id, channel_type, known)
    if known is not None:
        fetched = replace(fetched, capture=known.capture)
    await store.save_channel(fetched)
    return fetched


def _trusted(known: ChannelInfo | None, channel_type: str | None, member: bool) -> bool:
    """Whether the stored row may answer without asking Slack."""
    if known is None or known.name is None or _contradicts(known, channel_type):
        return False
    # A member channel stored as not one is a row nobody confirmed: older versions kept a
    # rename of a channel they had not seen as a public non-member row, so its privacy is a
    # guess. Asking once is the cheapest repair: the fresh row says member, so later events
    # trust it again, and rows of channels the bot is really not in are never asked about (only
    # a message handled after the bot left, whose answer then rightly says not a member).
    return not (member and not known.is_member)


def _contradicts(known: ChannelInfo, channel_type: str | None) -> bool:
    """Whether an event's channel_type (`channel` public, `group` private) disagrees with the
    stored privacy; other types (DMs, none at all) say nothing about it."""
    if channel_type in ("group", "G"):
        return not known.is_private
    return channel_type in ("channel", "C") and known.is_private and not known.is_dm


def _judged(
    team_id: str, channel_id: str, channel_type: str | None, known: ChannelInfo | None
) -> ChannelInfo:
    """Slack would not say: judge by what the event told us; unknown means private (a `C` id
    says nothing, private channels have had `C` ids since 2021). Not remembered, so the next
    event asks Slack again."""
    dm = channel_type in ("im", "mpim") or channel_id[:1] == "D" or bool(known and known.is_dm)
    private = dm or channel_type not in ("channel", "C")
    base = known or ChannelInfo(team_id, channel_id)
    return ChannelInfo(**{**base.__dict__, "is_private": private, "is_dm": dm})


async def is_outsider_person(
    store: Store,
    client: AsyncWebClient,
    team_id: str,
    user_id: str,
    enterprise_id: str | None = None,
) -> bool:
    """Whether a person is of another organisation (Slack Connect): events such as reactions
    do not say. The directory says it for people whose workspace (and Grid organisation) we
    stored; for others, users.info, the only one that also says whether another workspace is
    of our Enterprise Grid organisation (`enterprise_id`). When Slack will not say, the
    answer is yes (and is asked again next time): a stranger's vote must not count."""
    known = store.outsider_verdict(team_id, user_id)
    if known is not None:
        return known
    stored = await store.user(team_id, user_id)
    if stored is not None and stored.home_team:
        # A person never changes workspace: what users.list or users.info said once holds.
        person: dict[str, Any] = {"team_id": stored.home_team, "enterprise_id": stored.enterprise}
    else:
        try:
            person = (await client.users_info(user=user_id))["user"]
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return True
        if not await store.opted_out(team_id, user_id):  # kept, so no restart asks again
            await store.save_user(user_from_api(team_id, person))
    outsider = person_is_outsider(team_id, person, enterprise_id)
    store.remember_outsider(team_id, user_id, outsider)
    return outsider


async def is_admin(config: Config, client: AsyncWebClient, user_id: str) -> bool:
    """The workspace's admins (its own, set in Home, else SERENDIP_ADMINS: `config` is the
    workspace's), or while there are none, the workspace's Slack admins and owners."""
    if config.admins:
        return user_id in config.admins
    try:
        user = (await client.users_info(user=user_id))["user"]
    except SlackApiError:
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def _channels_of(client: AsyncWebClient, user_id: str, types: str) -> list[str] | None:
    """The ids of a person's conversations of `types` that the bot may see (every page of
    users.conversations); None when Slack will not say."""
    found: list[str] = []
    cursor = None
    try:
        while True:
            page = await client.users_conversations(
                user=user_id, types=types, cursor=cursor, limit=999, exclude_archived=False
            )
            channels: list[dict[str, Any]] = page.get("channels") or []
            found += [str(ch["id"]) for ch in channels if "id" in ch]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return found
    except SlackApiError as exc:
        log.warning("users.conversations failed: %s", exc.response.get("error"))
        return None


async def is_member(client: AsyncWebClient, channel_id: str, user_id: str) -> bool:
    """Whether a person is a member of a channel: from the person's own channels (usually one
    page), not by paging through every member of a big channel. Channels only: group DMs
    would need another scope, and are never read."""
    return channel_id in (
        await _channels_of(client, user_id, "public_channel,private_channel") or []
    )


async def private_channels_of(client: AsyncWebClient, user_id: str) -> list[str]:
    """The private channels a person shares with the bot (where their private items live).

    Slack answers users.conversations for a bot with exactly those; if it will not answer,
    the person sees public items only, which never shows too much.
    """
    return await _channels_of(client, user_id, "private_channel") or []


async def people_names(
    store: Store, client: AsyncWebClient, team_id: str, user_ids: Iterable[str | None]
) -> dict[str, str]:
    """Display names of some people: stored ones, else asked of Slack (and remembered)."""
    wanted = {uid for uid in user_ids if uid}
    names = await store.names_of(team_id, wanted)
    for uid in sorted(wanted - set(names)):
        try:
            data = (await client.users_info(user=uid))["user"]
        except SlackApiError:
            continue
        user = user_from_api(team_id, data)
        await store.save_user(user)
        if name := user.name or user.real_name:
            names[uid] = name
    return names


async def person_name(store: Store, client: AsyncWebClient, team_id: str, user_id: str) -> str:
    """A person's display name: from the store, else from Slack (and remembered)."""
    return (await people_names(store, client, team_id, [user_id])).get(user_id, "a colleague")
