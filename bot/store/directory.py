"""The directory area of `Store`: people, channels, workspaces and the bot's own posts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bot.models import BotPost, ChannelInfo, ForgetResult, UserInfo
from bot.store.plumbing import Plumbing
from bot.store.sql import directory, erasure, workspaces

log = logging.getLogger(__name__)


class DirectoryActions(Plumbing):
    """Domain actions for who and where; mixed into `Store`, which provides the plumbing and
    starts the state below."""

    _uninstalled: dict[str, int]  # workspaces in their grace period: inbox position of leaving
    _team_settings: dict[str, tuple[float, dict[str, str]]]  # TeamSettingsActions' cache
    _activity: dict[str, int]  # the newest inbox position handled, per workspace
    # Channels change only through this store, so a cache of them stays true; it saves a
    # read for every captured message. Not where other processes write too (PostgreSQL's
    # replicas): there the database is asked each time, as it is for workspaces that left.
    _channels: dict[tuple[str, str], ChannelInfo]
    _channel_changes: int  # a read that overlapped a change must not fill the cache
    # Whether a person is of another organisation, as Slack told us: a person never changes
    # organisation, so this saves a users.info for every reaction.
    _outsiders: dict[tuple[str, str], bool]

    # -- workspaces -------------------------------------------------------------------------
    async def note_activity(self, team_id: str, seq: int) -> None:
        """An event (inbox position `seq`) was handled: a workspace that left is back."""
        self._activity[team_id] = max(self._activity.get(team_id, 0), seq)
        await self._refresh_uninstalled()
        since = self._uninstalled.get(team_id)
        if since is not None and seq > since:
            del self._uninstalled[team_id]
            await self._write(workspaces.mark_uninstalled, team_id, None, None)

    async def mark_uninstalled(
        self, team_id: str, at: float, seq: int, installation: tuple[str, str] | None = None
    ) -> bool:
        """Start a workspace's uninstall grace period and forget its installation (`installation`,
        the (enterprise, team) key, else ('', team_id)) at once, so no listener uses a revoked
        token; not when later events or a later install show it is back (False).

        Events are handled side by side, so order is judged by inbox position, not by
        which listener happened to finish first.
        """
        if self._activity.get(team_id, 0) > seq:
            return False
        # Noted before the write, as an event handled meanwhile must see it to cancel it.
        self._uninstalled[team_id] = seq
        key = installation or ("", team_id)
        if await self._write(workspaces.leave, key, team_id, at, seq, self._clock()):
            return True
        if self._uninstalled.get(team_id) == seq:
            del self._uninstalled[team_id]
        return False

    async def _refresh_uninstalled(self) -> None:
        """Where other replicas write, read which workspaces left (one may have marked it)."""
        if self._backend != "sqlite":
            self._uninstalled = await self._read(workspaces.uninstalled_teams)

    async def purge_uninstalled(self, cutoff: float) -> list[str]:
        """Delete workspaces whose grace period ended before `cutoff`, and their installations."""
        teams: list[str] = []
        for team in await self._read(workspaces.uninstalled_before, cutoff):
            # Checked again as it is deleted: a reinstall meanwhile keeps the workspace.
            if not await self._write(workspaces.purge_workspace, team, cutoff):
                continue
            teams.append(team)
            self._channel_changes += 1
            self._channels = {k: v for k, v in self._channels.items() if k[0] != team}
            self._uninstalled.pop(team, None)
            self._team_settings.pop(team, None)
        if teams and not await self.erase_traces(whole_workspace=True):
            log.warning("purged %s; the WAL still holds old pages (a reader was busy)", teams)
        return teams

    async def erase_traces(self, whole_workspace: bool = False) -> bool:
        """Leave no readable trace of deleted data in the database file or its WAL (after
        forget-me; `whole_workspace` also compacts the file). False when a busy reader kept
        the WAL from being emptied: the next erase finishes it."""
        await self._write(erasure.merge_indexes)
        flush = erasure.rebuild_and_flush if whole_workspace else erasure.flush_log
        return await self._write_alone(flush)

    async def teams(self) -> list[str]:
        """Every workspace with data in this database."""
        return await self._read(workspaces.known_teams)

    async def team_names(self) -> dict[str, str]:
        """Workspaces' names where an OAuth install told them, by id."""
        return await self._read(workspaces.team_names)

    async def remember_workspace_url(self, team_id: str, url: str) -> None:
        """The workspace's address (auth.test's `url`), from which digests link messages."""
        await self._write(workspaces.set_url, team_id, url)

    async def installed_teams(self) -> list[str]:
        """Workspaces with data whose app is installed (not in an uninstall grace period)."""
        await self._refresh_uninstalled()
        return [t for t in await self._read(workspaces.known_teams) if t not in self._uninstalled]

    async def teams_with_person(self, user_id: str) -> list[str]:
        """Workspaces that store anything about a person (for the operator's forget)."""
        return await self._read(workspaces.teams_with_person, user_id)

    # -- people -----------------------------------------------------------------------------
    async def save_user(self, user: UserInfo) -> None:
        """Insert or update a person."""
        await self._write(directory.upsert_user, user, self._clock())

    async def user(self, team_id: str, user_id: str) -> UserInfo | None:
        """A stored person."""
        return await self._read(directory.get_user, team_id, user_id)

    def outsider_verdict(self, team_id: str, user_id: str) -> bool | None:
        """Whether a person is of another organisation, if Slack told us this run."""
        return self._outsiders.get((team_id, user_id))

    def remember_outsider(self, team_id: str, user_id: str, outsider: bool) -> None:
        """Remember what Slack told us of a person's organisation."""
        self._outsiders[(team_id, user_id)] = outsider

    async def set_opt_out(self, team_id: str, user_id: str, opted_out: bool) -> None:
        """Opt a person out of capture and digests, or back in."""
        await self._write(directory.set_opt_out, team_id, user_id, opted_out)

    async def opted_out(self, team_id: str, user_id: str) -> bool:
        """Whether a person opted out."""
        return await self._read(directory.is_opted_out, team_id, user_id)

    async def forget_person(self, team_id: str, user_id: str) -> ForgetResult:
        """Delete everything about a person but their opt-out marker."""
        return await self._write(directory.forget_person, team_id, user_id, self._clock())

    async def names_of(self, team_id: str, user_ids: Iterable[str | None]) -> dict[str, str]:
        """Display names of some people (display name, else real name)."""
        return await self._read(directory.names_of, team_id, sorted({u for u in user_ids if u}))

    # -- channels ---------------------------------------------------------------------------
    async def save_channel(self, channel: ChannelInfo) -> None:
        """Insert or update a channel's facts."""
        self._forget_channel(channel.team_id, channel.id)
        await self._write(directory.upsert_channel, channel, self._clock())
        self._forget_channel(channel.team_id, channel.id)

    async def channel(self, team_id: str, channel_id: str) -> ChannelInfo | None:
        """A stored channel."""
        if self._backend != "sqlite":
            return await self._read(directory.get_channel, team_id, channel_id)
        cached = self._channels.get((team_id, channel_id))
        if cached is None:
            changes = self._channel_changes
            cached = await self._read(directory.get_channel, team_id, channel_id)
            if cached is not None and changes == self._channel_changes:
                self._channels[(team_id, channel_id)] = cached
        return cached

    def _forget_channel(self, team_id: str, channel_id: str) -> None:
        self._channel_changes += 1
        self._channels.pop((team_id, channel_id), None)

    async def update_channel(self, team_id: str, channel_id: str, **fields: Any) -> None:
        """Change a channel's name, archive state, bot membership or capture setting."""
        self._forget_channel(team_id, channel_id)
        now = self._clock()
        await self._write(
            lambda db: self._sql(directory.update_channel)(db, team_id, channel_id, now, **fields)
        )
        self._forget_channel(team_id, channel_id)

    async def claim_join_note(self, team_id: str, channel_id: str) -> bool:
        """True exactly once per channel; the caller then posts the join note."""
        return await self._write(directory.claim_join_note, team_id, channel_id, self._clock())

    # -- the bot's posts --------------------------------------------------------------------
    async def record_bot_post(self, post: BotPost) -> None:
        """Remember one of the bot's posts."""
        await self._write(directory.record_bot_post, post, self._clock())
