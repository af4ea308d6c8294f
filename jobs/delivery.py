"""Posting planned digests from the outbox: paced, once, and recoverable after a crash.

A row is claimed (pending -> sending) before its post and settled after it. Slack's answer
decides what happens next: posted -> sent; a 429 -> pending again (Slack did nothing);
another error answer -> failed; no answer at all (a dropped connection, a 5xx, a crash) ->
left in `sending`, because the post may have landed. `recover` settles those rows later by
looking for the post's metadata in the channel's history: sent if found, pending if not.
Posts are never retried blindly.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.pacer import PacedClient, Pacer
from bot.store import OutboxRow, Store

log = logging.getLogger(__name__)
EVENT_TYPE = "serendip_digest"
# A claim older than this is from a sender that is gone: longer than one post can take, with
# the client's own retries and timeouts.
STALE_SECONDS = 600.0
# A claim made under an earlier leader's epoch is that leader's: it is stale once any post it
# had under way is over (the client gives up on a post after 30 s), not after STALE_SECONDS,
# so a new leader settles what its predecessor left half sent within the minute.
DEPOSED_SECONDS = 45.0
HISTORY_PAGES = 10
HISTORY_LIMIT = 200  # per page (Slack may give fewer)
CLOCK_MARGIN = 300.0
# Answers that do not say whether the post landed: recovery reads history before any retry.
UNSURE_ERRORS = frozenset(
    {"fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)
# History that cannot be read, now or later: the row cannot be settled, so it fails.
UNREADABLE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "missing_scope",
        "account_inactive",
        "user_not_found",
    }
)
WORKERS = 8
MAX_RATE_LIMITS = 20  # per run; what is left stays pending for the next tick


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    failed: int = 0
    recovered: int = 0
    rate_limited: int = 0
    dropped: int = 0
    unknown: int = 0  # left in `sending`: settled by the next run's recovery


def metadata(row: OutboxRow) -> dict[str, Any]:
    """The message metadata naming an outbox row, found again by `recover`."""
    return {
        "event_type": EVENT_TYPE,
        "event_payload": {"outbox_id": row.id, "period_key": row.period_key},
    }


def without_rate_limit_retries(client: AsyncWebClient) -> AsyncWebClient:
    """The same client, but a 429 comes back to the caller: the pacer must hear of it, so
    every sender waits, not only the one the SDK would have put to sleep."""
    poster = copy.copy(client)  # the same token, URL, session and settings
    poster.retry_handlers = [
        h for h in client.retry_handlers if not isinstance(h, AsyncRateLimitErrorRetryHandler)
    ]
    if isinstance(poster, PacedClient):
        poster.pacer = None  # the deliverer waits on the pacer itself, and hears its 429s
    return poster


def _retry_after(exc: SlackApiError) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", 1))
    except (TypeError, ValueError):
        return 1.0


Outcome = Literal["sent", "failed", "again", "unknown", "dropped", "taken", "deposed"]
"""What posting one row came to (the last three are the store's `ClaimResult`s)."""


class Unsure(Exception):
    """History could not prove either way whether a post landed."""


class Deliverer:
    """Posts one workspace's pending digests."""

    def __init__(
        self,
        store: Store,
        client: AsyncWebClient,
        pacer: Pacer,
        clock: Callable[[], float] = time.time,
        report: DeliveryReport | None = None,
        epoch: int | None = None,
    ) -> None:
        self.store, self.pacer, self.clock = store, pacer, clock
        self.client = without_rate_limit_retries(client)
        self.token = secrets.token_hex(8)  # this sender's claims
        self.report = report if report is not None else DeliveryReport()
        self.epoch = epoch  # the leader's fencing token (None: `digest send`, not a leader)
        self.deposed = False

    async def run(self, team_id: str, workers: int = WORKERS) -> DeliveryReport:
        """Recover rows left in `sending`, then post every pending row once."""
        await self.recover(team_id)
        queue: asyncio.Queue[OutboxRow] = asyncio.Queue()
        for row in await self.store.outbox_rows("pending", team_id):
            queue.put_nowait(row)
        await asyncio.gather(*(self._worker(queue) for _ in range(workers)))
        return self.report

    async def _worker(self, queue: asyncio.Queue[OutboxRow]) -> None:
        while not queue.empty() and not self.deposed:
            row = queue.get_nowait()
            if await self.post(row) == "again" and self.report.rate_limited < MAX_RATE_LIMITS:
                queue.put_nowait(row)

    async def post(self, row: OutboxRow) -> Outcome:
        """Post one row: 'sent', 'failed', 'again' (429), 'unknown' (no answer), 'dropped'
        (no longer wanted), 'taken' (another sender has it) or 'deposed' (another replica leads)."""
        target = row.recipient  # a person's user id: Slack posts into the app's DM with them
        await self.pacer.wait(target)
        claimed = await self.store.claim_digest(row.id, self.token, self.clock(), self.epoch)
        if claimed != "claimed":
            self.report.dropped += claimed == "dropped"
            if claimed == "deposed" and not self.deposed:
                log.warning("another replica leads now: this one posts no more digests")
                self.deposed = True
            return claimed
        try:
            answer = await self.client.chat_postMessage(
                channel=target,
                text=row.payload.get("text", ""),
                blocks=row.payload.get("blocks"),
                unfurl_links=False,
                unfurl_media=False,
                metadata=metadata(row),
            )
        except SlackApiError as exc:
            return await self._refused(row, exc)
        except (ClientError, TimeoutError) as exc:
            return self._unknown(row, str(exc) or type(exc).__name__)
        await self._settled(row, str(answer["channel"]), str(answer["ts"]))
        self.report.sent += 1
        return "sent"

    async def _settled(self, row: OutboxRow, channel: str, ts: str) -> None:
        """Record a post that landed; one that credits someone forgotten meanwhile goes."""
        if (
            await self.store.digest_sent(row.id, self.token, channel, ts, self.clock())
            == "forgotten"
        ):
            try:
                await self.client.chat_delete(channel=channel, ts=ts)
            except (SlackApiError, ClientError, TimeoutError) as exc:
                log.warning("digest %s credits a forgotten person; delete failed: %s", row.id, exc)

    def _unknown(self, row: OutboxRow, why: str) -> Outcome:
        log.warning(
            "digest %s: no clear answer from Slack (%s); recovery will settle it", row.id, why
        )
        self.report.unknown += 1
        return "unknown"

    async def _refused(self, row: OutboxRow, exc: SlackApiError) -> Outcome:
        status = exc.response.status_code
        error = str(exc.response.get("error") or status)
        if status == 429 or error == "ratelimited":
            self.pacer.pause(_retry_after(exc))
            await self.store.release_digest(row.id, self.token, "ratelimited", self.clock())
            self.report.rate_limited += 1
            return "again"
        if status >= 500 or error in UNSURE_ERRORS:
            return self._unknown(row, error)  # the post may have landed: history will tell
        log.warning("digest %s to %s failed: %s", row.id, row.recipient, error)
        await self.store.digest_failed(row.id, self.token, error, self.clock())
        self.report.failed += 1
        return "failed"

    async def recover(self, team_id: str) -> None:
        """Settle rows left in `sending` by a sender that is gone, from Slack's history."""
        now = self.clock()
        for row in await self.store.outbox_rows("sending", team_id):
            if row.updated_at > now - self._stale_after(row):
                continue  # its sender may still be waiting for Slack's answer
            if not await self.store.take_over_digest(
                row.id, row.claim, self.token, now, self.epoch
            ):
                continue  # another sender took it over first (or this one no longer leads)
            await self._settle(row)

    def _stale_after(self, row: OutboxRow) -> float:
        """How long a claim stays its sender's: less when an earlier leader made it. A claim
        with no epoch (`serendip digest send`, or a row claimed before the upgrade) keeps the
        long wait: no leader's step down says its sender is gone."""
        if self.epoch is not None and row.claim_epoch is not None and row.claim_epoch < self.epoch:
            return DEPOSED_SECONDS
        return STALE_SECONDS

    async def _settle(self, row: OutboxRow) -> None:
        try:
            found = await self._find_post(row)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in UNREADABLE:
                await self.store.digest_failed(
                    row.id, self.token, f"unverifiable: {error}", self.clock()
                )
                self.report.failed += 1
            return  # otherwise try again at a later run
        except (ClientError, TimeoutError, Unsure) as exc:
            if isinstance(exc, Unsure) and (row.expires_at or 0) <= self.clock():
                # Its period is over and history cannot tell: fail it rather than look forever.
                await self.store.digest_failed(
                    row.id, self.token, f"unverifiable: {exc}", self.clock()
                )
                self.report.failed += 1
                return
            log.warning("digest %s: cannot settle it yet (%s)", row.id, exc)
            return
        if found is not None:
            await self._settled(row, *found)
            self.report.recovered += 1
        else:
            await self.store.release_digest(
                row.id, self.token, "not found after a crash", self.clock()
            )

    async def _find_post(self, row: OutboxRow) -> tuple[str, str] | None:
        """The (channel, ts) of this row's post, None when history proves it never landed."""
        channel = await self._history_channel(row)
        cursor: str | None = None
        # A post lands after its first claim and before that claim goes stale; the margins
        # allow for this machine's clock and Slack's not agreeing.
        claimed = row.claimed_at if row.claimed_at is not None else row.created_at
        oldest = f"{claimed - CLOCK_MARGIN:.6f}"
        latest = f"{claimed + STALE_SECONDS + CLOCK_MARGIN:.6f}"
        for _ in range(HISTORY_PAGES):
            page = await self.client.conversations_history(
                channel=channel,
                include_all_metadata=True,
                limit=HISTORY_LIMIT,
                cursor=cursor,
                oldest=oldest,
                latest=latest,
            )
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == EVENT_TYPE and payload.get("outbox_id") == row.id:
                    return channel, str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        raise Unsure("history is longer than the pages read")

    async def _history_channel(self, row: OutboxRow) -> str:
        """History is read by channel id: a person's DM id, learned or opened once."""
        if row.kind == "channel":
            return row.recipient
        known = row.channel or await self.store.dm_channel(row.team_id, row.recipient)
        if known:
            return known
        opened = await self.client.conversations_open(users=row.recipient)
        channel = str(opened["channel"]["id"])
        await self.store.learn_dm(row.team_id, row.recipient, channel)
        return channel
