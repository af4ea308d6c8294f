"""Each workspace's effective settings: the environment's, with what its admins changed in Home.

The store keeps each workspace's own values as text (the environment variable's), read through
its short cache (`bot/store/team_settings.py`); this module turns them into a `Config`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.config import Config, ConfigError, workspace_setting
from bot.store import Store

log = logging.getLogger(__name__)


def with_overrides(base: Config, stored: Mapping[str, str]) -> Config:
    """`base` with a workspace's own values in place of the environment's."""
    changes: dict[str, Any] = {}
    for name, raw in stored.items():
        try:
            changes[name] = workspace_setting(name, raw)
        except ConfigError as exc:
            # Checked when stored; a later Serendip may check more strictly. The default
            # serves until an admin saves the setting again.
            log.warning("a workspace setting is ignored: %s", exc)
    return replace(base, **changes) if changes else base


async def team_config(store: Store, base: Config, team_id: str | None) -> Config:
    """The settings in force in workspace `team_id` (`base`, the environment's, when none)."""
    if not team_id:
        return base
    return with_overrides(base, await store.team_settings(team_id))
