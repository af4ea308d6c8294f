"""Digest periods of docs/interface.md, as pure functions of a moment and a time zone.

Weekly: the period ends at the digest time (day and hour) in the recipient's zone and covers
the 7 days before; its key is the ISO week of that end, in that zone (`2026-W48`). Daily: at
the digest hour, Monday to Friday; the period runs from the previous scheduled daily time (so
Monday's covers the weekend); its key is the local date. Monthly: on the first digest day of
each month, at the digest hour; the period runs from the previous month's monthly time (4 or 5
weeks); its key is the local month of its end (`2026-12`). `--now` ends the period now, keyed by
the ISO week, the date or the month of now. Time comes in as an aware datetime, never from a
clock here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Cadence = Literal["weekly", "daily", "monthly"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Period:
    """What a digest covers: [start, end), and the key that makes it sent at most once."""

    start: datetime
    end: datetime
    key: str


def is_month_key(key: str) -> bool:
    """Whether a period key is a monthly one (`YYYY-MM`)."""
    return len(key) == 7 and key[4] == "-" and "W" not in key


def period_label(period: Period) -> str:
    """How a digest names its period: "Week of 30 Nov" (weekly: the Monday of the week it is
    sent in, which its key names), "Thu 3 Dec" (daily, by its day) or "Month of December"
    (monthly: the month it is sent in), never the key itself."""
    if is_month_key(period.key):
        return f"Month of {date.fromisoformat(f'{period.key}-01'):%B}"
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


def month_key(moment: datetime) -> str:
    """The month of a (local) moment, as `YYYY-MM`."""
    return f"{moment.year:04d}-{moment.month:02d}"


def _first_weekday(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def _monthly_time(year: int, month: int, zone: ZoneInfo, day: str, hour: int) -> datetime:
    return _at(_first_weekday(year, month, DAYS.index(day)), hour, zone)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_monthly_time(now: datetime, zone: ZoneInfo, day: str, hour: int) -> datetime:
    """The most recent monthly digest time (the month's first digest day, at the digest hour)
    at or before `now`, in `zone`."""
    local = now.astimezone(zone)
    candidate = _monthly_time(local.year, local.month, zone, day, hour)
    if candidate > local:
        candidate = _monthly_time(*_month_before(local.year, local.month), zone, day, hour)
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
    if cadence == "monthly":
        end = last_monthly_time(now, zone, day, hour)
        start = _monthly_time(*_month_before(end.year, end.month), zone, day, hour)
        return Period(start, end, month_key(end))
    end = last_daily_time(now, zone, hour)
    start = _at(_previous_workday(end.date()), hour, zone)
    return Period(start, end, end.date().isoformat())


def now_period(now: datetime, zone: ZoneInfo, cadence: Cadence, day: str, hour: int) -> Period:
    """`digest send --now`: the period ends now and is keyed by the week, date or month of
    now."""
    local = now.astimezone(zone)
    usual = scheduled_period(now, zone, cadence, day, hour)
    return Period(usual.start, local, current_key(local, cadence))


def current_key(local: datetime, cadence: Cadence) -> str:
    """The key of the period a (local) moment is in, for a cadence."""
    if cadence == "weekly":
        return week_key(local)
    return month_key(local) if cadence == "monthly" else local.date().isoformat()


def key_expires(key: str, zone: ZoneInfo) -> datetime:
    """When a period key stops being the key of now: the next local week (weekly keys), month
    (monthly keys) or day (daily keys), in `zone`. A weekly or daily digest not sent by then
    is dropped; a monthly one sooner (`period_expires`)."""
    if is_month_key(key):
        month = date.fromisoformat(f"{key}-01")
        first = (
            date(month.year + 1, 1, 1)
            if month.month == 12
            else month.replace(month=month.month + 1)
        )
    elif "-W" in key:
        year, week = key.split("-W")
        first = date.fromisocalendar(int(year), int(week), 1) + timedelta(days=7)
    else:
        first = date.fromisoformat(key) + timedelta(days=1)
    return datetime.combine(first, time(0), tzinfo=zone)


def period_expires(period: Period, zone: ZoneInfo) -> datetime:
    """When a planned digest for `period` not sent yet is dropped: a weekly or daily one when its
    key stops being the key of now (`key_expires`), a monthly one after the week of its
    scheduled time (the local Monday after the end of `period`), as docs/interface.md says."""
    if not is_month_key(period.key):
        return key_expires(period.key, zone)
    end = period.end.astimezone(zone).date()
    return datetime.combine(end + timedelta(days=7 - end.weekday()), time(0), tzinfo=zone)
