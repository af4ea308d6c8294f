"""Daily housekeeping: retention, uninstall purges, old graph counts and old event ids."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Config
from bot.store import Store

log = logging.getLogger(__name__)
DAY = 86400.0
SEEN_EVENTS_DAYS = 2  # Slack's retries (even Delayed Events) end within 24 h


@dataclass(frozen=True)
class HousekeepingResult:
    """What one housekeeping run deleted."""

    items_expired: int
    workspaces_purged: list[str]
    events_forgotten: int
    interactions_dropped: int = 0  # counts past the graph's 26 weeks


async def run_housekeeping(store: Store, config: Config, now: float) -> HousekeepingResult:
    """Apply SERENDIP_RETENTION_DAYS, SERENDIP_UNINSTALL_GRACE_DAYS and the interaction graph's
    26 weeks as of `now`."""
    expired = await store.apply_retention(now, config.retention_days)
    purged = await store.purge_uninstalled(now - config.uninstall_grace_days * DAY)
    forgotten = await store.prune_inbox(now - SEEN_EVENTS_DAYS * DAY)
    dropped = await store.prune_interactions(now)
    result = HousekeepingResult(expired, purged, forgotten, dropped)
    log.info("housekeeping: %s", result)
    return result
