"""The installations area of `Store`: workspaces installed by OAuth, and OAuth states."""

from __future__ import annotations

from dataclasses import replace

from bot.store.plumbing import Plumbing
from bot.store.sql import installations
from bot.store.sql.installations import Installed


class InstallationActions(Plumbing):
    """Domain actions for installing by OAuth; mixed into `Store`."""

    _uninstalled: dict[str, int]  # workspaces in their grace period (DirectoryActions')

    async def save_installation(self, installed: Installed) -> None:
        """Keep a workspace's bot installation (a new install or refreshed tokens), stamped now."""
        stamped = replace(installed, installed_at=self._clock())
        await self._write(installations.save_installation, stamped)
        self._uninstalled.pop(installed.team_id, None)  # a reinstall cancels the purge

    async def find_installation(self, enterprise_id: str, team_id: str) -> Installed | None:
        """The bot installation of a workspace ('' for no enterprise, or no team), or None."""
        return await self._read(installations.find_installation, enterprise_id, team_id)

    async def installation_for_team(self, team_id: str) -> Installed | None:
        """The installation serving a workspace (its own, else its organisation's), or None."""
        return await self._read(installations.installation_for_team, team_id)

    async def delete_installation(self, enterprise_id: str, team_id: str) -> bool:
        """Forget a workspace's installation; False when there was none."""
        return await self._write(installations.delete_installation, enterprise_id, team_id)

    async def issue_oauth_state(self, state: str, lifetime: float) -> None:
        """Remember an OAuth state for `lifetime` seconds from now."""
        await self._write(installations.issue_state, state, self._clock() + lifetime)

    async def consume_oauth_state(self, state: str) -> bool:
        """Use up an OAuth state: True only once, and only before it expires."""
        return await self._write(installations.consume_state, state, self._clock())
