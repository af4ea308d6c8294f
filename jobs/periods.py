"""Digest periods of docs/interface.md, as pure functions of a moment and a time zone.

Weekly: the period ends at the digest time (day and hour) in the recipient's zone and covers
the 7 days before; its key is the ISO week of that end, in that zone (`2026-W48`). Daily: at
the digest hour, Monday to Friday; the period runs from the previous scheduled daily time (so
Monday's covers the weekend); its key is the local date. `--now` ends the period now, keyed by
the ISO week or the date of now. Time comes in as an aware datetime, never from a clock here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Cadence = Literal["weekly", "daily"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Period:
    """What a digest covers: [start, end), and the key that makes it sent at most once."""

    start: datetime
    end: datetime
    key: str


def period_label(period: Period) -> str:
    """How a digest names its period: "Week of 30 Nov" (weekly: the Monday of the week it is
    sent in, which its key names) or "Thu 3 Dec" (daily, by its day), never the key itself."""
    if "-W" in period.key:
        monday = date.fromisoformat(f"{period.key}-1")
        return f"Week of {monday.day} {monday:%b}"
    day = date.fromisoformat(period.key)
    return f"{day:%a} {day.day} {day:%b}"


def week_key(moment: datetime) -> str:
    """The ISO week of a (local) moment, as `YYYY-Www`."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    # A local wall-clock time; in a DST gap zoneinfo moves it forward, as a person would.
    local = datetime.combine(day, time(hour), tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).astimezone(zone)


def last_weekly_time(now: datetime, zone: ZoneInfo, day: str, hour: int) -> datetime:
    """The most recent weekly digest time at or before `now`, in `zone`."""
    local = now.astimezone(zone)
    back = (local.weekday() - DAYS.index(day)) % 7
    candidate = _at(local.date() - timedelta(days=back), hour, zone)
    if candidate > local:
        candidate = _at(local.date() - timedelta(days=back + 7), hour, zone)
    return candidate


def _previous_workday(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def last_daily_time(now: datetime, zone: ZoneInfo, hour: int) -> datetime:
    """The most recent Monday-to-Friday digest time at or before `now`, in `zone`."""
    local = now.astimezone(zone)
    day = local.date()
    if day.weekday() >= 5 or _at(day, hour, zone) > local:
        day = _previous_workday(day)
    return _at(day, hour, zone)


def scheduled_period(
    now: datetime, zone: ZoneInfo, cadence: Cadence, day: str, hour: int
) -> Period:
    """The period whose digest is current at `now` (due once its end has passed)."""
    if cadence == "weekly":
        end = last_weekly_time(now, zone, day, hour)
        return Period(end - timedelta(days=7), end, week_key(end))
    end = last_daily_time(now, zone, hour)
    start = _at(_previous_workday(end.date()), hour, zone)
    return Period(start, end, end.date().isoformat())


def now_period(now: datetime, zone: ZoneInfo, cadence: Cadence, day: str, hour: int) -> Period:
    """`digest send --now`: the period ends now and is keyed by the week or date of now."""
    local = now.astimezone(zone)
    usual = scheduled_period(now, zone, cadence, day, hour)
    key = week_key(local) if cadence == "weekly" else local.date().isoformat()
    return Period(usual.start, local, key)


def key_expires(key: str, zone: ZoneInfo) -> datetime:
    """When a period key stops being the key of now: the next local week (weekly keys) or day
    (daily keys), in `zone`. A digest not sent by then is dropped."""
    if "-W" in key:
        year, week = key.split("-W")
        first = date.fromisocalendar(int(year), int(week), 1) + timedelta(days=7)
    else:
        first = date.fromisoformat(key) + timedelta(days=1)
    return datetime.combine(first, time(0), tzinfo=zone)
