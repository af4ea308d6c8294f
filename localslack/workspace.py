"""The workspace's people and conversations."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .store import MessageLog
from .types import LocalSlackError
from .util import new_id, tz_facts


@dataclass
class User:
    """A member of the workspace (or a Slack Connect outsider)."""

    id: str
    name: str
    real_name: str
    tz: str
    team_id: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    enterprise_id: str | None = None  # another workspace's person of the same Grid org
    updated: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Channel:
    """A conversation: public or private channel, DM or group DM."""

    id: str
    name: str
    is_private: bool
    creator: str
    members: list[str]
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    im_user: str | None = None
    created: int = field(default_factory=lambda: int(time.time()))
    topic: str = ""
    purpose: str = ""
    log: MessageLog = field(default_factory=MessageLog)

    @property
    def channel_type(self) -> str:
        """The channel_type of message events: channel, group, im or mpim."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"

    @property
    def letter(self) -> str:
        """The one-letter channel_type of member_joined_channel: C or G."""
        return "G" if self.is_private or self.is_mpim else "C"


class Workspace:
    """Users and channels of one team, with the bot's own user."""

    def __init__(self, team_id: str, bot_user_id: str, bot_name: str) -> None:
        """Create the workspace with the bot user in it."""
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self._dms: dict[str, str] = {}
        self.users[bot_user_id] = User(bot_user_id, bot_name, bot_name, "UTC", team_id, is_bot=True)

    def add_user(self, user: User) -> User:
        """Add or replace a user, checking the time zone."""
        if not user.id or user.id in self.channels:
            raise LocalSlackError(f"bad user id {user.id!r}")
        tz_facts(user.tz)
        self.users[user.id] = user
        return user

    def add_channel(self, channel: Channel) -> Channel:
        """Add or replace a channel; its members must be known users."""
        if not channel.id or channel.id[0] not in "CG":
            raise LocalSlackError(
                f"channel ids start with C or G (DMs are made on demand): {channel.id!r}"
            )
        for member in channel.members:
            self.user(member)
        self.channels[channel.id] = channel
        return channel

    def user(self, user_id: str) -> User:
        """Return a known user or raise LocalSlackError."""
        try:
            return self.users[user_id]
        except KeyError:
            raise LocalSlackError(f"unknown user {user_id!r}") from None

    def channel(self, channel_id: str) -> Channel:
        """Return a known channel or raise LocalSlackError."""
        try:
            return self.channels[channel_id]
        except KeyError:
            raise LocalSlackError(f"unknown channel {channel_id!r}") from None

    def dm_with(self, user_id: str) -> Channel:
        """Return the bot's DM with a user, creating it on first use."""
        self.user(user_id)
        if user_id in self._dms:
            return self.channels[self._dms[user_id]]
        members = [user_id, self.bot_user_id]
        dm = Channel(new_id("D", 10), user_id, True, user_id, members, is_im=True, im_user=user_id)
        self.channels[dm.id] = dm
        self._dms[user_id] = dm.id
        return dm

    def dm_id(self, user_id: str) -> str | None:
        """Return the id of an existing DM with a user, if any."""
        return self._dms.get(user_id)

    def mpim_with(self, user_ids: Iterable[str]) -> Channel:
        """Return the group DM of these users and the bot, creating it on first use."""
        members = sorted({*user_ids, self.bot_user_id})
        for ch in self.channels.values():
            if ch.is_mpim and sorted(ch.members) == members:
                return ch
        name = "mpdm-" + "--".join(self.user(m).name for m in members) + "-1"
        mpim = Channel(new_id("G", 10), name, True, members[0], members, is_mpim=True)
        self.channels[mpim.id] = mpim
        return mpim

    def is_ext_shared(self, channel: Channel) -> bool:
        """Tell whether a member of the channel belongs to another organisation (Slack
        Connect); colleagues of the same Enterprise Grid org make it org-shared instead."""
        return any(
            self.users[m].team_id != self.team_id and self.users[m].enterprise_id is None
            for m in channel.members
        )

    def is_org_shared(self, channel: Channel) -> bool:
        """Tell whether a member comes from another workspace of the same Grid org."""
        return any(
            self.users[m].team_id != self.team_id and self.users[m].enterprise_id is not None
            for m in channel.members
        )

    def bot_is_member(self, channel: Channel) -> bool:
        """Tell whether the bot is in the channel (always for its DMs)."""
        return self.bot_user_id in channel.members
