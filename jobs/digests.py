"""The digest job: who is due, compose (pure, off the event loop), plan, then deliver.

Every tick sends whatever is due by docs/interface.md's periods and not yet planned, so a digest
missed while the bot was down goes out at the first tick after it is back, while its period
is still current, and never twice: the outbox remembers every (recipient, period key).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.digest_models import DigestSnapshot
from bot.pacer import Pacer
from bot.store import RecipientKind, Store
from bot.team_settings import team_config
from bot.workspace_clients import Clients, OneClient
from jobs.compose import Composed, Composer, channel_digest, personal_digest
from jobs.delivery import Deliverer, DeliveryReport
from jobs.digest_blocks import build_digest, view_to_json
from jobs.periods import (
    Cadence,
    Period,
    current_key,
    now_period,
    period_expires,
    scheduled_period,
    week_key,
)

log = logging.getLogger(__name__)
ACTIVE_DAYS = 28
WINDOW_DAYS = 15  # `--now` may cover a missed week and the days since
# A monthly digest waits when any digest reached the person this recently: it stays due all the
# week of its scheduled time, so a week's rest keeps it from following (on the Sunday) the
# weekly digest that moved someone to monthly that Monday: not a second digest that week.
MONTHLY_REST_DAYS = 7
DONE = ("sent", "empty", "failed", "dropped")
UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class Due:
    """A recipient whose digest for a period should be planned now."""

    kind: RecipientKind
    recipient: str
    period: Period
    round: int = 0
    tz: ZoneInfo = UTC_ZONE


@dataclass
class RunReport:
    """What one `digest send` (or tick) did."""

    planned: int = 0
    empty: int = 0
    handled: int = 0  # recipients left out: already planned or sent for the current period
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


def zone(name: str | None, default: str) -> ZoneInfo:
    """A person's time zone, or the workspace's when Slack gave none we know."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def due_period(
    now: datetime, tz: ZoneInfo, cadence: Cadence, config: Config, now_mode: bool
) -> Period | None:
    """The period to send for at `now`, or None when no digest is current."""
    if now_mode:
        return now_period(now, tz, cadence, config.digest_day, config.digest_hour)
    period = scheduled_period(now, tz, cadence, config.digest_day, config.digest_hour)
    local = now.astimezone(tz)
    if cadence == "monthly" and week_key(period.end) != week_key(local):
        return None  # a missed monthly digest is dropped after its week, as a weekly one
    # A missed digest is dropped after its week (or day).
    return period if period.key == current_key(local, cadence) else None


def person_cadence(text: str) -> Cadence:
    """The period cadence of a person's setting ('weekly' for anything unknown)."""
    return "daily" if text == "daily" else "monthly" if text == "monthly" else "weekly"


def rested(snap: DigestSnapshot, person: str, now: datetime) -> bool:
    """Whether a monthly digest may go to `person` now: no digest reached them in the last
    days (someone just moved to monthly has had this week's digest)."""
    recipient = snap.people.get(person)
    last = recipient.last_digest_at if recipient else None
    return last is None or now.timestamp() - last >= MONTHLY_REST_DAYS * 86400


def due_list(
    snap: DigestSnapshot,
    config: Config,
    now: datetime,
    now_mode: bool,
    planned: dict[tuple[str, str], tuple[int, str]],
    force: bool,
    handled: list[Due] | None = None,
) -> list[Due]:
    """Everyone due a digest now and not planned yet (or again, with `force`); those left out
    because their current period was already planned go to `handled` when it is given."""
    wanted: list[tuple[RecipientKind, str, ZoneInfo, Cadence]] = []
    for channel in snap.channels.values():
        if channel.digest != "off":
            wanted.append(("channel", channel.channel_id, zone(config.tz, "UTC"), "weekly"))
    for person in snap.people.values():
        if person.cadence in ("weekly", "daily", "monthly"):
            cadence = person_cadence(person.cadence)
            wanted.append(("person", person.user_id, zone(person.tz, config.tz), cadence))
    found: list[Due] = []
    for kind, recipient, tz, cadence in wanted:
        period = due_period(now, tz, cadence, config, now_mode)
        if period is None:
            continue
        before = planned.get((recipient, period.key))
        if before is None and cadence == "monthly" and not rested(snap, recipient, now):
            continue
        if before is None:
            found.append(Due(kind, recipient, period, 0, tz))
        elif force and before[1] in DONE:
            found.append(Due(kind, recipient, period, before[0] + 1, tz))
        elif handled is not None:
            handled.append(Due(kind, recipient, period, before[0], tz))
    return found


def compose_one(comp: Composer, due: Due, force: bool, planning: bool = False) -> Composed | None:
    """The digest of one due recipient, or None when it would be empty; when `planning` it,
    a weekly one of someone who has not used their last digests moves them to monthly."""
    if due.kind == "channel":
        return channel_digest(comp, due.recipient, due.period, force)
    tired = planning and is_tired(comp.snap, due)
    return personal_digest(comp, due.recipient, due.period, force, tired)


def is_tired(snap: DigestSnapshot, due: Due) -> bool:
    """Digest fatigue: a weekly digest for someone who pressed nothing in their last ones."""
    return due.kind == "person" and "-W" in due.period.key and due.recipient in snap.fatigued


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: composing allocates millions of small objects
    beside a snapshot of millions more, and each full collection walks them all (a quarter
    of the compose time at 10,000 people) to find hardly any cycle. Reference counting still
    frees what is dropped; what cycles there are wait for the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def plan_rows(snap: DigestSnapshot, dues: list[Due], force: bool) -> list[dict[str, Any]]:
    """Compose every due digest into an outbox row (pure, and heavy: run it off the loop)."""
    with collector_paused():
        comp = Composer(snap)
        rows = []
        for due in dues:
            composed = compose_one(comp, due, force, planning=True)
            rows.append(
                {
                    "team_id": snap.team_id,
                    "recipient": due.recipient,
                    "kind": due.kind,
                    "period_key": due.period.key,
                    "round": due.round,
                    "status": "pending" if composed else "empty",
                    "payload": _payload(composed) if composed else None,
                    "items": composed.item_ids if composed else (),
                    "credited": composed.credited if composed else (),
                    "expires_at": period_expires(due.period, due.tz).timestamp(),
                    "to_monthly": bool(composed and composed.to_monthly),
                    "tired_as_of": snap.until,  # a press or a choice after this keeps them weekly
                }
            )
    return rows


def _payload(composed: Composed) -> dict[str, Any]:
    """The message to post, and the view it was built from: kept once sent, so forget-me can
    take one person out of it (`chat.update`) instead of deleting everyone's digest."""
    return {**build_digest(composed.view), "view": view_to_json(composed.view)}


async def load(
    store: Store,
    team_id: str,
    now: datetime,
    full: bool = True,
    mode: str = "active",
    days: int = WINDOW_DAYS,
) -> DigestSnapshot:
    """The snapshot a run at `now` needs (only recipients and settings unless `full`); `mode`
    is `SERENDIP_PERSONAL_DIGESTS`: active people (active in the 28 days before `now`) and
    those who asked, or only those who asked; items of the `days` before `now`."""
    until = now.timestamp()
    since = until - days * 86400
    active_since = until - ACTIVE_DAYS * 86400
    return await store.digest_snapshot(team_id, since, until, active_since, full, mode)


async def plan_team(
    store: Store,
    config: Config,
    team_id: str,
    now: datetime,
    now_mode: bool,
    force: bool,
    stamp: float | None = None,
) -> tuple[int, int, int]:
    """Plan every digest due in one workspace: (pending rows added, empty ones, recipients
    left out because their current period was already handled).

    `now` decides periods; `stamp` (the wall clock by default) dates the outbox rows, on the
    clock Slack's message timestamps use, so recovery knows where in history to look.
    """
    stamp = time.time() if stamp is None else stamp
    # Who is due is cheap to know; the whole snapshot is read only when somebody is.
    planned = await store.planned_digests(team_id, stamp)
    light = await load(store, team_id, now, False, config.personal_digests)
    handled: list[Due] = []  # told to the person running `digest send`, who may wonder
    if not (due := due_list(light, config, now, now_mode, planned, force, handled)):
        return 0, 0, len(handled)
    days = window_days(due, now)
    snap = await load(store, team_id, now, True, config.personal_digests, days)
    dues = due_list(snap, config, now, now_mode, planned, force)
    rows = await asyncio.to_thread(plan_rows, snap, dues, force)
    await store.plan_digests(rows, stamp)
    empty = sum(1 for row in rows if row["status"] == "empty")
    return len(rows) - empty, empty, len(handled)


def window_days(dues: list[Due], now: datetime) -> int:
    """How far back a run reads items: to the start of the earliest period due (a monthly one
    is 4 or 5 weeks, and may be sent late in its week, or with `--now` late in its month)."""
    starts = [d.period.start for d in dues]
    if not starts:
        return WINDOW_DAYS
    return max(WINDOW_DAYS, math.ceil((now - min(starts)).total_seconds() / 86400) + 1)


async def run_digests(
    store: Store,
    clients: Clients | AsyncWebClient,
    config: Config,
    now: datetime,
    *,
    now_mode: bool = False,
    force: bool = False,
    pacer: Pacer | None = None,
    clock: Callable[[], float] | None = None,
    epoch: int | None = None,
) -> RunReport:
    """Plan what is due in every installed workspace, then post it with the workspace's client
    (one `client` and `pacer` for all, when given one) as the leader of `epoch`, when given:
    its claims are refused once another replica leads."""
    report = RunReport()
    if isinstance(clients, AsyncWebClient):
        clients = OneClient(clients, pacer or Pacer(config.send_rate))
    clock = clock or time.time
    for team_id in await store.installed_teams():
        poster = await clients(team_id)
        if poster is None:  # its installation is gone (it left): nothing can be posted there
            log.warning("digests: no installation serves workspace %s; none planned", team_id)
            continue
        team_settings = await team_config(store, config, team_id)  # its day, hour and zone
        added, empty, handled = await plan_team(
            store, team_settings, team_id, now, now_mode, force, clock()
        )
        report.planned += added
        report.empty += empty
        report.handled += handled
        deliverer = Deliverer(store, poster.client, poster.pacer, clock, report.delivery, epoch)
        await deliverer.run(team_id)
    return report


def _not_due(config: Config) -> str:
    """Why a person gets no digest at all, as `SERENDIP_PERSONAL_DIGESTS` decides it."""
    if config.personal_digests == "optin":
        return "they did not ask for one (SERENDIP_PERSONAL_DIGESTS=optin)"
    return f"not active in the last {ACTIVE_DAYS} days, and did not ask for one"


async def preview(
    store: Store,
    config: Config,
    kind: RecipientKind,
    recipient: str,
    now: datetime,
    team: str | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """The digest `recipient` would get now, looked for in `team` or every installed
    workspace: (payload, why not when None)."""
    base = config
    for team_id in [team] if team else await store.installed_teams():
        config = await team_config(store, base, team_id)  # the workspace's day, hour and zone
        snap = await load(store, team_id, now, True, config.personal_digests)
        if kind == "channel" and recipient in snap.channels:
            if snap.channels[recipient].digest == "off":
                return None, f"{recipient} turned its channel digest off"
            period = due_period(now, zone(config.tz, "UTC"), "weekly", config, True)
        elif kind == "person" and recipient in snap.people:
            person = snap.people[recipient]
            if person.cadence == "off":
                return None, f"{recipient} turned digests off"
            cadence = person_cadence(person.cadence)
            period = due_period(now, zone(person.tz, config.tz), cadence, config, True)
        else:
            continue
        assert period is not None  # `--now` always has a period
        due = Due(kind, recipient, period)
        if (days := window_days([due], now)) > WINDOW_DAYS:
            snap = await load(store, team_id, now, True, config.personal_digests, days)
        composed = compose_one(Composer(snap), due, False)
        if composed is None:
            return None, f"{recipient} would get no digest now: nothing new for them"
        return build_digest(composed.view), ""
    what = "no such channel with the bot in it" if kind == "channel" else _not_due(config)
    return None, f"{recipient} would get no digest now: {what} (or opted out)"


async def person_preview(
    store: Store, config: Config, team_id: str, user_id: str, now: datetime
) -> Composed | None:
    """The personal digest `user_id` would get now, whether or not they are a recipient yet
    (Home's welcome shows it before they choose); None when it would be empty."""
    snap = await load(store, team_id, now, True, config.personal_digests)
    period = now_period(
        now, zone(config.tz, "UTC"), "weekly", config.digest_day, config.digest_hour
    )
    due = Due("person", user_id, period)
    return await asyncio.to_thread(compose_one, Composer(snap), due, False)
