"""Each workspace's Slack client and pacer, for the work no Slack request starts: scheduled
jobs and the CLI.

A listener gets its workspace's token from Bolt's authorize; a job has only a team id. With
SLACK_BOT_TOKEN, that one token serves (one workspace). Installed by OAuth, the token is the
workspace's installation's (or, for a workspace of an Enterprise Grid organisation installed
org-wide, the organisation's), refreshed first when it rotates and is about to expire. Slack's
rate limits are per workspace and app, so each workspace has its own pacer: one workspace's
week of digests never slows another's cards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.installations import StoreInstallations, bot_of
from bot.pacer import Pacer
from bot.shared_pacer import SharedPacer
from bot.slack_client import make_client
from bot.store import Store

log = logging.getLogger(__name__)
ROTATE_MINUTES = 120  # refresh a rotating token this long before it expires (Bolt's default)


class Pacers:
    """One pacer per workspace, made when first asked for and kept for the process."""

    def __init__(self, make: Callable[[str], Pacer]) -> None:
        self._make = make
        self._pacers: dict[str, Pacer] = {}

    def for_team(self, team_id: str | None) -> Pacer:
        """The pacer of `team_id` ('' when a request names no workspace)."""
        key = team_id or ""
        if key not in self._pacers:
            self._pacers[key] = self._make(key)
        return self._pacers[key]


def make_pacers(store: Store, config: Config) -> Pacers:
    """Each workspace's pacer: shared through the database on PostgreSQL (replicas), in-process
    on SQLite (one process serves it). One bot token is one workspace: one pacer for all."""
    rate = config.send_rate
    if not config.oauth:
        one = SharedPacer(store, rate) if store.shared_by_replicas else Pacer(rate)
        return Pacers(lambda _team: one)
    if store.shared_by_replicas:
        return Pacers(lambda team: SharedPacer(store, rate, key=f"team:{team}"))
    return Pacers(lambda _team: Pacer(rate))


@dataclass(frozen=True)
class Poster:
    """What a job needs to post in one workspace."""

    client: AsyncWebClient
    pacer: Pacer


class Clients(Protocol):
    """Where jobs get each workspace's poster."""

    async def __call__(self, team_id: str) -> Poster | None:
        """The workspace's poster, or None when Serendip is not installed there."""

    async def teams(self) -> list[str]:
        """The workspaces the jobs serve."""


class OneClient:
    """Every workspace posts through one client and pacer (the one-token tools, tests)."""

    def __init__(self, client: AsyncWebClient, pacer: Pacer) -> None:
        self.poster = Poster(client, pacer)
        self._team: str | None = None

    async def __call__(self, team_id: str) -> Poster | None:
        """The one poster, whatever the workspace."""
        return self.poster

    async def teams(self) -> list[str]:
        """The workspace of the token (asked once: the token does not change)."""
        if self._team is None:
            self._team = str((await self.poster.client.auth_test())["team_id"])
        return [self._team]


class WorkspaceClients:
    """Each workspace's client, with its token and its pacer."""

    def __init__(self, store: Store, config: Config, pacers: Pacers) -> None:
        self.store, self.config, self.pacers = store, config, pacers
        self._clients: dict[str, tuple[str, AsyncWebClient]] = {}  # team: (token, its client)
        self._one: OneClient | None = None
        if config.bot_token:
            client = make_client(config.bot_token, config.api_url, pacer=pacers.for_team(None))
            self._one = OneClient(client, pacers.for_team(None))

    async def teams(self) -> list[str]:
        """The token's workspace; installed by OAuth, every installed workspace."""
        if self._one is not None:
            return await self._one.teams()
        return await self.store.installed_teams()

    async def __call__(self, team_id: str) -> Poster | None:
        """The workspace's poster, or None when Serendip is not installed there."""
        if self._one is not None:
            return self._one.poster
        token = await self._installed_token(team_id)
        if token is None:
            return None
        pacer = self.pacers.for_team(team_id)
        known = self._clients.get(team_id)
        if known is None or known[0] != token:  # a refreshed token gets a client of its own
            known = self._clients[team_id] = (
                token,
                make_client(token, self.config.api_url, pacer=pacer),
            )
        return Poster(known[1], pacer)

    async def _installed_token(self, team_id: str) -> str | None:
        """The bot token of the workspace's installation, refreshed first if it must be."""
        row = await self.store.installation_for_team(team_id)
        if row is None:
            return None
        if row.bot_refresh_token is None or not self.config.client_id:
            return row.bot_token
        rotator = AsyncTokenRotator(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret or "",
            client=make_client(None, self.config.api_url),
        )
        try:
            fresh = await rotator.perform_bot_token_rotation(
                bot=bot_of(row), minutes_before_expiration=ROTATE_MINUTES
            )
        except (SlackApiError, SlackTokenRotationError) as exc:
            log.warning("cannot refresh the bot token of %s: %s", team_id, exc)
            return row.bot_token  # maybe still good; Slack says so if not
        if fresh is None:
            return row.bot_token
        await StoreInstallations(self.store).async_save_bot(fresh)
        return fresh.bot_token
