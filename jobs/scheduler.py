"""The scheduler wrapper: APScheduler 3.x inside `serendip run`. Handlers never import it."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Config
from bot.store import Store
from jobs.fetching import Fetch
from jobs.housekeeping import run_housekeeping
from jobs.link_health import check_links

HOUSEKEEPING_HOUR = 3
LINK_HEALTH_HOUR = 4


async def housekeeping_job(store: Store, config: Config) -> None:
    """The scheduled entry point of the daily housekeeping."""
    await run_housekeeping(store, config, time.time())


async def link_health_job(store: Store, fetch: Fetch) -> None:
    """The scheduled entry point of the daily link health check."""
    await check_links(store, fetch, time.time())


def build_scheduler(store: Store, config: Config, fetch: Fetch | None = None) -> AsyncIOScheduler:
    """A scheduler with Serendip's jobs; started and stopped by the server's cleanup context."""
    tz = ZoneInfo(config.tz)
    scheduler = AsyncIOScheduler(timezone=tz)
    scheduler.add_job(
        housekeeping_job, "cron", hour=HOUSEKEEPING_HOUR, args=[store, config],
        id="housekeeping", replace_existing=True, max_instances=1, coalesce=True,
        misfire_grace_time=6 * 3600,
    )  # fmt: skip
    # Also once shortly after start, so a bot that is often restarted still cleans up.
    scheduler.add_job(
        housekeeping_job, "date", run_date=datetime.now(tz) + timedelta(minutes=1),
        args=[store, config], id="housekeeping-at-start", replace_existing=True,
    )  # fmt: skip
    if fetch is not None:
        scheduler.add_job(
            link_health_job, "cron", hour=LINK_HEALTH_HOUR, args=[store, fetch], id="link-health",
            replace_existing=True, max_instances=1, coalesce=True, misfire_grace_time=6 * 3600,
        )  # fmt: skip
    return scheduler
