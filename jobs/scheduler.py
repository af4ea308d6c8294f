"""The scheduler wrapper: APScheduler 3.x inside `serendip run`. Handlers never import it."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Config
from bot.store import Store
from bot.workspace_clients import Clients
from jobs.digests import run_digests
from jobs.fetching import Fetch
from jobs.housekeeping import run_housekeeping
from jobs.link_health import check_links
from jobs.people_sync import refresh_workspaces
from jobs.pulse import LearningPulse
from jobs.questions import reroute_unanswered

log = logging.getLogger(__name__)
HOUSEKEEPING_HOUR = 3
LINK_HEALTH_HOUR = 4
FIRST_DIGEST_TICK = 30.0  # seconds after taking the lead
PEOPLE_HOUR = 2
REROUTE_TICK_MINUTES = 15
PULSE_TICK_MINUTES = 15


async def housekeeping_job(store: Store, config: Config) -> None:
    """The scheduled entry point of the daily housekeeping."""
    await run_housekeeping(store, config, time.time())


async def link_health_job(store: Store, fetch: Fetch) -> None:
    """The scheduled entry point of the daily link health check."""
    await check_links(store, fetch, time.time())


async def digest_tick(
    store: Store, clients: Clients, config: Config, epoch: int | None = None
) -> None:
    """Send whatever digests are due and not sent yet (a missed one goes out here too); the
    leader's `epoch` fences its claims once another replica leads."""
    report = await run_digests(store, clients, config, datetime.now(UTC), epoch=epoch)
    if report.planned or report.delivery.sent or report.delivery.failed:
        log.info(
            "digests: %s planned, %s sent, %s failed",
            report.planned,
            report.delivery.sent,
            report.delivery.failed,
        )


async def people_job(store: Store, clients: Clients) -> None:
    """Refresh every workspace's people and their time zones from users.list."""
    await refresh_workspaces(store, clients)


async def reroute_tick(store: Store, clients: Clients, config: Config) -> None:
    """Route questions left without a reply for 48 hours to the next likely experts."""
    await reroute_unanswered(store, clients, config, time.time())


async def pulse_tick(pulse: LearningPulse) -> None:
    """Post this week's learning pulse if it is due and was not posted yet."""
    await pulse.tick(datetime.now(UTC))


def build_scheduler(
    store: Store,
    config: Config,
    fetch: Fetch | None = None,
    clients: Clients | None = None,
    epoch: int | None = None,
) -> AsyncIOScheduler:
    """A scheduler with Serendip's jobs, for the leader of `epoch` (bot/leader.py starts and
    stops it); the jobs that post reach each workspace through `clients`."""
    tz = ZoneInfo(config.tz)
    scheduler = AsyncIOScheduler(timezone=tz)
    scheduler.add_job(
        housekeeping_job,
        "cron",
        hour=HOUSEKEEPING_HOUR,
        args=[store, config],
        id="housekeeping",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=6 * 3600,
    )
    # Also once shortly after start, so a bot that is often restarted still cleans up.
    scheduler.add_job(
        housekeeping_job,
        "date",
        run_date=datetime.now(tz) + timedelta(minutes=1),
        args=[store, config],
        id="housekeeping-at-start",
        replace_existing=True,
    )
    if clients is not None:
        _add_digest_jobs(scheduler, store, config, clients, tz, epoch)
        # A tick, not a cron job: a pulse missed while the bot was down still goes out that week.
        # Scheduled without SERENDIP_REPORT_CHANNEL too: each workspace may choose its report
        # channel in Home, and each tick reads every workspace's.
        scheduler.add_job(
            pulse_tick,
            "interval",
            minutes=PULSE_TICK_MINUTES,
            args=[LearningPulse(store, clients, config)],
            id="learning-pulse",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(tz) + timedelta(seconds=60),
            misfire_grace_time=PULSE_TICK_MINUTES * 60,
        )
    if fetch is not None:
        scheduler.add_job(
            link_health_job,
            "cron",
            hour=LINK_HEALTH_HOUR,
            args=[store, fetch],
            id="link-health",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
    return scheduler


def _add_digest_jobs(
    scheduler: AsyncIOScheduler,
    store: Store,
    config: Config,
    clients: Clients,
    tz: ZoneInfo,
    epoch: int | None,
) -> None:
    """People first (time zones decide who is due), then a digest tick every few minutes."""
    start = datetime.now(tz)
    scheduler.add_job(
        people_job,
        "cron",
        hour=PEOPLE_HOUR,
        args=[store, clients],
        id="people",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=6 * 3600,
    )
    scheduler.add_job(
        people_job,
        "date",
        run_date=start + timedelta(seconds=5),
        args=[store, clients],
        id="people-at-start",
        replace_existing=True,
    )
    scheduler.add_job(
        reroute_tick,
        "interval",
        minutes=REROUTE_TICK_MINUTES,
        args=[store, clients, config],
        id="question-reroute",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=REROUTE_TICK_MINUTES * 60,
    )
    # Each workspace's pacer is the process's: its send rate holds across ticks and kinds of
    # post. A new leader ticks soon: digests its predecessor left half sent are finished at once.
    tick = config.digest_tick
    scheduler.add_job(
        digest_tick,
        "interval",
        seconds=tick,
        args=[store, clients, config, epoch],
        id="digest-tick",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        next_run_time=start + timedelta(seconds=min(FIRST_DIGEST_TICK, tick)),
        misfire_grace_time=max(1, int(tick)),
    )
