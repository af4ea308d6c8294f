"""Workspace set-up and changes: users, channels, membership, install state."""

from __future__ import annotations

import time
from typing import Any

from .objects import channel_object, user_object
from .posting import Posting
from .types import JSON, LocalSlackError
from .util import tz_facts
from .workspace import Channel, User

USER_FIELDS = frozenset(
    {"name", "real_name", "tz", "is_admin", "is_owner", "is_bot", "deleted", "team_id"}
)


class WorkspaceActions(Posting):
    """Adding people and channels, joins and leaves, renames, archives, installs."""

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "UTC",
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> JSON:
        """Add a person (team_id other than the workspace's: a Slack Connect outsider, or with
        the workspace's `enterprise_id`, a colleague from another workspace of its Grid org).
        Ids may start with U or W (Enterprise Grid's people)."""
        name = name or user_id.lower()
        user = User(
            user_id,
            name,
            real_name or name,
            tz,
            team_id or self.ident.team_id,
            is_admin,
            is_owner,
            is_bot,
            deleted,
            enterprise_id,
        )
        try:
            self.ws.add_user(user)
        except ValueError as exc:
            raise LocalSlackError(str(exc)) from exc
        return user_object(self.ident, user)

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        is_private: bool = False,
        members: list[str] | None = None,
        bot_member: bool = True,
    ) -> JSON:
        """Add a channel with its members, the bot among them if asked: `G…` ids are the
        private channels made before 2021; since then private channels have `C` ids too
        (is_private=True), as in the real Slack."""
        people = list(dict.fromkeys(members or []))
        if bot_member:
            people.append(self.ident.bot_user_id)
        private = is_private or channel_id.startswith("G")
        creator = people[0] if people else self.ident.bot_user_id
        ch = Channel(channel_id, name or channel_id.lower(), private, creator, people)
        self.ws.add_channel(ch)
        return channel_object(self.ident, self.ws, ch)

    async def bot_joins(self, channel: str, inviter: str | None = None, wait: bool = True) -> None:
        """The bot is added to a channel: member_joined_channel for the bot."""
        await self.finish(
            self.join(self.ws.channel(channel), self.ident.bot_user_id, inviter), wait
        )

    async def bot_leaves(self, channel: str, wait: bool = True) -> None:
        """The bot is removed from a channel: member_left_channel for the bot."""
        await self.finish(self.leave(self.ws.channel(channel), self.ident.bot_user_id), wait)

    async def user_joins(
        self, user: str, channel: str, inviter: str | None = None, wait: bool = True
    ) -> None:
        """A person joins a channel: channel_join message and member_joined_channel."""
        await self.finish(self.join(self.ws.channel(channel), user, inviter), wait)

    async def user_leaves(self, user: str, channel: str, wait: bool = True) -> None:
        """A person leaves a channel: member_left_channel."""
        await self.finish(self.leave(self.ws.channel(channel), user), wait)

    def _channel_event(self, ch: Channel, kind: str, **fields: Any) -> JSON:
        """channel_* for public channels, group_* for private ones."""
        prefix = "group" if ch.is_private else "channel"
        return {"type": f"{prefix}_{kind}", **fields, "event_ts": self.clock.next()}

    def _emit_channel(self, ch: Channel, event: JSON) -> list[Any]:
        """Public channel events go to the app; private ones only if the bot is in."""
        return [self.emit(event, ch if ch.is_private else None)]

    async def rename_channel(self, channel: str, name: str, wait: bool = True) -> None:
        """A channel is renamed: channel_rename (group_rename if private). Its channel object
        says what conversations.info says of it: a private channel with a C id (made since
        2021) is_channel and is_private, an older G one is_group."""
        ch = self.ws.channel(channel)
        ch.name = name
        legacy = ch.id.startswith("G")
        info = {
            "id": ch.id,
            "name": name,
            "name_normalized": name,
            "created": ch.created,
            "is_channel": not ch.is_mpim and not legacy,
            "is_group": ch.is_private and not ch.is_mpim and legacy,
            "is_private": ch.is_private,
            "is_mpim": ch.is_mpim,
        }
        await self.finish(
            self._emit_channel(ch, self._channel_event(ch, "rename", channel=info)), wait
        )

    async def archive_channel(
        self, channel: str, user: str | None = None, wait: bool = True
    ) -> None:
        """A channel is archived: channel_archive (group_archive if private)."""
        ch = self.ws.channel(channel)
        ch.is_archived = True
        event = self._channel_event(
            ch, "archive", channel=ch.id, user=user or ch.creator, is_moving=0
        )
        await self.finish(self._emit_channel(ch, event), wait)

    async def unarchive_channel(
        self, channel: str, user: str | None = None, wait: bool = True
    ) -> None:
        """A channel is unarchived: channel_unarchive (group_unarchive if private)."""
        ch = self.ws.channel(channel)
        ch.is_archived = False
        event = self._channel_event(ch, "unarchive", channel=ch.id, user=user or ch.creator)
        await self.finish(self._emit_channel(ch, event), wait)

    async def change_user(self, user: str, wait: bool = True, **changes: Any) -> JSON:
        """A profile changes (tz, deleted, name...): user_change with the full user."""
        person = self.ws.user(user)
        unknown = set(changes) - USER_FIELDS
        if unknown:
            raise LocalSlackError(f"cannot change {sorted(unknown)}")
        if "tz" in changes:
            tz_facts(changes["tz"])
        for key, value in changes.items():
            setattr(person, key, value)
        person.updated = int(time.time())
        obj = user_object(self.ident, person)
        event = {
            "type": "user_change",
            "user": obj,
            "cache_ts": person.updated,
            "event_ts": self.clock.next(),
        }
        await self.finish([self.emit(event)], wait)
        return obj

    async def uninstall(self, wait: bool = True) -> None:
        """The app is removed: app_uninstalled, then tokens_revoked; the bot token dies."""
        self.installed = False
        gone = {"type": "app_uninstalled", "event_ts": self.clock.next()}
        await self.finish([self.emit(gone, force=True)], wait)
        await self.finish([self.emit(self._bot_revoked(), force=True)], wait)

    def _bot_revoked(self) -> JSON:
        """A tokens_revoked event for the bot's token."""
        tokens = {"oauth": [], "bot": [self.ident.bot_user_id]}
        return {"type": "tokens_revoked", "tokens": tokens, "event_ts": self.clock.next()}

    async def revoke_bot_tokens(self, wait: bool = True) -> None:
        """An admin revokes the bot's OAuth tokens while the app stays installed: they die,
        tokens_revoked is sent, and later events still reach the app."""
        self.oauth.tokens.clear()
        await self.finish([self.emit(self._bot_revoked(), force=True)], wait)

    async def reinstall(self) -> None:
        """The app is installed again with the same tokens."""
        self.installed = True
        self.ident.installed_at = int(time.time())
