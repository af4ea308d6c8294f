"""The workspace settings area of `Store`: what a workspace's admins changed in Home.

Reads are kept for SETTINGS_TTL seconds, as every request asks for its workspace's settings:
a change made through this store is seen at once; one made through another replica (on
PostgreSQL) within SETTINGS_TTL.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import WORKSPACE_SETTINGS, ConfigError, workspace_setting
from bot.store.plumbing import Plumbing
from bot.store.sql import team_settings

SETTINGS_TTL = 30.0  # seconds


class TeamSettingsActions(Plumbing):
    """Domain actions for per-workspace settings; mixed into `Store`."""

    _team_settings: dict[str, tuple[float, dict[str, str]]]  # team -> (read at, values)

    async def team_settings(self, team_id: str) -> dict[str, str]:
        """The workspace's own settings (Config field -> the variable's text); absent ones
        take the environment's value."""
        now = self._clock()
        kept = self._team_settings.get(team_id)
        if kept is not None and 0 <= now - kept[0] < SETTINGS_TTL:
            return dict(kept[1])
        values = await self._read(team_settings.team_settings, team_id)
        self._team_settings[team_id] = (now, values)
        return dict(values)

    async def change_team_settings(self, team_id: str, changes: Mapping[str, str | None]) -> None:
        """Set (text, as the environment variable takes it) or clear (None) some of a
        workspace's settings, all or none: a value that is not one raises ConfigError and
        nothing is stored."""
        checked: dict[str, str | None] = {}
        for name, value in changes.items():
            if name not in WORKSPACE_SETTINGS:
                raise ConfigError(f"{name!r} is not a setting a workspace may change")
            if value is not None:
                workspace_setting(name, value)  # raises, naming the variable
            checked[name] = None if value is None else value.strip()
        await self._write(team_settings.change_team_settings, team_id, checked, self._clock())
        self._team_settings.pop(team_id, None)
