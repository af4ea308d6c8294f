"""Digest periods (interface.md), with an injected moment and real time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobs.periods import now_period, scheduled_period, week_key

UTC_ZONE = ZoneInfo("UTC")


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def test_weekly_period_ends_at_the_digest_time() -> None:
    now = at("2026-11-25 15:00")  # a Wednesday
    period = scheduled_period(now, UTC_ZONE, "weekly", "mon", 9)
    assert period.end == at("2026-11-23 09:00")
    assert period.start == at("2026-11-16 09:00")
    assert period.key == "2026-W48"
    just_before = scheduled_period(at("2026-11-23 08:59"), UTC_ZONE, "weekly", "mon", 9)
    assert just_before.key == "2026-W47"


def test_weekly_period_in_the_recipients_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    now = at("2026-11-23 01:00")  # Monday 10:00 in Tokyo, still Sunday night in UTC
    period = scheduled_period(now, tokyo, "weekly", "mon", 9)
    assert period.end == at("2026-11-23 09:00", "Asia/Tokyo")
    assert period.key == "2026-W48"
    assert scheduled_period(now, UTC_ZONE, "weekly", "mon", 9).key == "2026-W47"


def test_daily_monday_covers_the_weekend() -> None:
    monday = scheduled_period(at("2026-11-23 10:00"), UTC_ZONE, "daily", "mon", 9)
    assert monday.start == at("2026-11-20 09:00")
    assert monday.end == at("2026-11-23 09:00")
    assert monday.key == "2026-11-23"
    saturday = scheduled_period(at("2026-11-28 12:00"), UTC_ZONE, "daily", "mon", 9)
    assert saturday.key == "2026-11-27"  # Friday's is still the current one
    early = scheduled_period(at("2026-11-24 08:00"), UTC_ZONE, "daily", "mon", 9)
    assert early.key == "2026-11-23"


def test_now_period_keys() -> None:
    now = at("2026-11-25 15:00")
    weekly = now_period(now, UTC_ZONE, "weekly", "mon", 9)
    assert weekly.key == "2026-W48"
    assert weekly.end == now
    assert now_period(now, UTC_ZONE, "daily", "mon", 9).key == "2026-11-25"


def test_iso_week_at_the_turn_of_the_year() -> None:
    assert week_key(at("2027-01-01 10:00")) == "2026-W53"
    assert week_key(at("2024-12-30 10:00")) == "2025-W01"


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Australia/Lord_Howe"])
def test_across_daylight_saving_changes(zone: str) -> None:
    tz = ZoneInfo(zone)
    for days in range(0, 400, 3):
        now = at("2026-01-01 00:00") + timedelta(days=days, hours=days % 24)
        weekly = scheduled_period(now, tz, "weekly", "mon", 9)
        local_end = weekly.end.astimezone(tz)
        assert local_end.weekday() == 0
        assert local_end.hour == 9
        assert weekly.end <= now
        assert now - weekly.end < timedelta(days=7, hours=2)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["UTC", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Chatham"]),
    st.sampled_from(["weekly", "daily"]),
    st.integers(0, 23),
)
def test_the_current_period_never_ends_in_the_future(
    naive: datetime, zone: str, cadence: str, hour: int
) -> None:
    now = naive.replace(tzinfo=UTC)
    period = scheduled_period(now, ZoneInfo(zone), cadence, "fri", hour)  # type: ignore[arg-type]
    assert period.start < period.end <= now
    assert now - period.end <= timedelta(days=7 if cadence == "weekly" else 4)


def test_key_expiry_is_the_next_local_week_or_day() -> None:
    from jobs.periods import key_expires

    paris = ZoneInfo("Europe/Paris")
    assert key_expires("2026-W49", paris) == at("2026-12-07 00:00", "Europe/Paris")
    assert key_expires("2026-W53", UTC_ZONE) == at("2027-01-04 00:00")
    assert key_expires("2026-11-30", paris) == at("2026-12-01 00:00", "Europe/Paris")
    moment = at("2026-12-06 22:59")  # 23:59 in Paris: still week 49 there
    assert week_key(moment.astimezone(paris)) == "2026-W49" < "2026-W50"
    assert moment < key_expires("2026-W49", paris) <= moment + timedelta(hours=1, minutes=1)
