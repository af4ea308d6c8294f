"""Link health: re-check the links of the last four weeks' digests; digests leave dead ones out.

A link that answered well is checked again at most weekly, one that failed daily. It is dead
after three checks on different days answered 404, 410 or a failed name lookup; 401, 403, 429
and 5xx are not death, and a target the safety rules refuse is not fetched and not dead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.fetch import FetchResult
from bot.store import CheckOutcome, Store

log = logging.getLogger(__name__)
WINDOW_DAYS = 28
GONE_STATUSES = (404, 410)


def outcome(result: FetchResult) -> CheckOutcome:
    """What one check says: "ok", "gone", "refused" or "error"."""
    if result.status in ("ok", "too_large", "not_html"):
        return "ok"  # it answered; what it answered is not our business here
    if result.status == "refused":
        return "refused"
    if result.status == "http_error" and result.http_status in GONE_STATUSES:
        return "gone"
    if result.status == "failed" and (result.error or "").startswith("name lookup failed"):
        return "gone"
    return "error"


@dataclass(frozen=True)
class HealthReport:
    """What one run checked and found dead."""

    checked: int
    dead: int


async def check_links(
    store: Store,
    fetch: Callable[[str], Awaitable[FetchResult]],
    now: float,
    concurrency: int = 10,
) -> HealthReport:
    """Check every link of the last four weeks' digests that is due; mark the dead."""
    due = await store.links_to_check(now, now - WINDOW_DAYS * 86400)
    slots = asyncio.Semaphore(concurrency)

    async def one(item_id: str, url: str) -> bool:
        async with slots:
            return await store.record_check(item_id, outcome(await fetch(url)), now)

    dead = sum(await asyncio.gather(*(one(item_id, url) for item_id, url in due)))
    report = HealthReport(len(due), dead)
    log.info("link health: %s", report)
    return report
