"""The monthly cadence (issue 15): its period, label, expiry and when it is due."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import load_config
from bot.digest_models import DigestSnapshot, Recipient
from jobs.digests import Due, due_list, due_period, person_cadence, plan_rows, window_days
from jobs.periods import (
    is_month_key,
    key_expires,
    now_period,
    period_expires,
    period_label,
    scheduled_period,
)

UTC_ZONE = ZoneInfo("UTC")
CONFIG = load_config({"SERENDIP_TZ": "UTC"}, dotenv=None)  # Monday 09:00 digests


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def test_monthly_period_runs_between_first_digest_days() -> None:
    # 2026-12-07 is December's first Monday; 2026-11-02 November's.
    period = scheduled_period(at("2026-12-09 12:00"), UTC_ZONE, "monthly", "mon", 9)
    assert (period.start, period.end) == (at("2026-11-02 09:00"), at("2026-12-07 09:00"))
    assert period.key == "2026-12"
    assert period_label(period) == "Month of December"
    # Before December's first Monday at 09:00, November's is the current one.
    early = scheduled_period(at("2026-12-07 08:59"), UTC_ZONE, "monthly", "mon", 9)
    assert early.key == "2026-11"
    assert early.start == at("2026-10-05 09:00")


def test_monthly_period_across_the_new_year_and_in_a_zone() -> None:
    period = scheduled_period(at("2027-01-05 10:00"), UTC_ZONE, "monthly", "mon", 9)
    assert period.key == "2027-01"
    assert period.start == at("2026-12-07 09:00")
    assert period_label(period) == "Month of January"
    tokyo = ZoneInfo("Asia/Tokyo")
    # Monday 7 Dec 10:00 in Tokyo is still Monday 01:00 in UTC.
    assert scheduled_period(at("2026-12-07 01:00"), tokyo, "monthly", "mon", 9).key == "2026-12"
    assert scheduled_period(at("2026-12-07 01:00"), UTC_ZONE, "monthly", "mon", 9).key == "2026-11"


def test_month_keys_expire_at_the_next_month() -> None:
    assert is_month_key("2026-12")
    assert not is_month_key("2026-W49")
    assert not is_month_key("2026-12-07")
    assert key_expires("2026-12", UTC_ZONE) == at("2027-01-01 00:00")
    assert key_expires("2026-02", UTC_ZONE) == at("2026-03-01 00:00")


def test_a_pending_monthly_digest_expires_after_the_week_of_its_scheduled_time() -> None:
    # December's is scheduled on Monday 7 Dec: not sent by the end of that week, it is dropped
    # (not three weeks later at the next month), as a due one is no longer due then.
    period = scheduled_period(at("2026-12-07 09:30"), UTC_ZONE, "monthly", "mon", 9)
    assert period_expires(period, UTC_ZONE) == at("2026-12-14 00:00")
    assert due_period(at("2026-12-13 23:59"), UTC_ZONE, "monthly", CONFIG, False) is not None
    assert due_period(at("2026-12-14 00:00"), UTC_ZONE, "monthly", CONFIG, False) is None
    # Scheduled on a Sunday (January's first), in Tokyo: that Sunday is the whole week left.
    tokyo = ZoneInfo("Asia/Tokyo")
    sunday = scheduled_period(at("2027-01-03 12:00", "Asia/Tokyo"), tokyo, "monthly", "sun", 9)
    assert period_expires(sunday, tokyo) == at("2027-01-04 00:00", "Asia/Tokyo")
    # `--now` late in a month: dropped after this week too. Weekly keys are as before.
    late = now_period(at("2026-12-31 23:59:59"), UTC_ZONE, "monthly", "mon", 9)
    assert period_expires(late, UTC_ZONE) == at("2027-01-04 00:00")
    week = scheduled_period(at("2026-12-09 12:00"), UTC_ZONE, "weekly", "mon", 9)
    assert period_expires(week, UTC_ZONE) == key_expires("2026-W50", UTC_ZONE)
    # The outbox row planned for it carries that expiry.
    snap = DigestSnapshot("T1", 0.0, 0.0)
    [row] = plan_rows(snap, [Due("person", "U1", period, 0, UTC_ZONE)], False)
    assert row["expires_at"] == at("2026-12-14 00:00").timestamp()


def test_now_period_of_a_monthly_digest_is_keyed_by_the_month_of_now() -> None:
    period = now_period(at("2026-12-31 23:59:59"), UTC_ZONE, "monthly", "mon", 9)
    assert period.key == "2026-12"
    assert period.end == at("2026-12-31 23:59:59")
    assert period.start == at("2026-11-02 09:00")


def test_a_missed_monthly_digest_is_dropped_after_its_week() -> None:
    assert due_period(at("2026-12-07 09:30"), UTC_ZONE, "monthly", CONFIG, False) is not None
    assert due_period(at("2026-12-13 23:00"), UTC_ZONE, "monthly", CONFIG, False) is not None
    assert due_period(at("2026-12-14 09:30"), UTC_ZONE, "monthly", CONFIG, False) is None
    assert due_period(at("2026-12-30 09:30"), UTC_ZONE, "monthly", CONFIG, False) is None


def _snap(*people: Recipient) -> DigestSnapshot:
    snap = DigestSnapshot("T1", 0.0, 0.0)
    snap.people = {p.user_id: p for p in people}
    return snap


def test_a_monthly_digest_waits_for_someone_who_just_had_one() -> None:
    now = at("2026-12-07 10:00")
    just = now.timestamp() - 3600  # moved to monthly by this morning's weekly digest
    snap = _snap(
        Recipient("UNEW", "monthly", "UTC", None, False),
        Recipient("UJUST", "monthly", "UTC", None, True, last_digest_at=just),
        Recipient("UOLD", "monthly", "UTC", None, True, last_digest_at=just - 8 * 86400),
        Recipient("UWEEK", "weekly", "UTC", None, True, last_digest_at=just),
    )
    due = {d.recipient: d for d in due_list(snap, CONFIG, now, False, {}, False)}
    assert set(due) == {"UNEW", "UOLD", "UWEEK"}
    assert due["UNEW"].period.key == "2026-12"
    assert due["UWEEK"].period.key == "2026-W50"
    assert window_days(list(due.values()), now) > window_days([due["UWEEK"]], now)


def test_a_run_reads_items_from_the_start_of_its_earliest_period() -> None:
    # `--now` on 31 December: December's monthly digest runs from 2 November, 59 days back
    # (a fixed 36 days left out its first three weeks); a scheduled one on the Sunday of a
    # 5-week period's week, 41 days back. Weekly runs read the usual 15 days.
    late = at("2026-12-31 23:00")
    month = now_period(late, UTC_ZONE, "monthly", "mon", 9)
    assert window_days([Due("person", "U1", month)], late) >= 60
    sunday = at("2026-12-13 20:00")  # December's period: 2 November to 7 December, 5 weeks
    december = scheduled_period(sunday, UTC_ZONE, "monthly", "mon", 9)
    assert december.start == at("2026-11-02 09:00")
    assert window_days([Due("person", "U1", december)], sunday) >= 42
    week = scheduled_period(late, UTC_ZONE, "weekly", "mon", 9)
    assert window_days([Due("person", "U1", week)], late) == 15
    assert window_days([], late) == 15


def test_no_monthly_digest_the_same_week_as_the_weekly_one_that_moved_them() -> None:
    # Moved by Monday's weekly digest (the month's first Monday): December's monthly digest
    # stays due until Sunday night, and must not reach them on the Sunday either.
    moved = at("2026-12-07 09:00:05").timestamp()
    snap = _snap(Recipient("UJUST", "monthly", "UTC", None, True, last_digest_at=moved))
    for when in ("2026-12-07 09:30", "2026-12-12 12:00", "2026-12-13 09:00", "2026-12-13 23:59"):
        assert due_list(snap, CONFIG, at(when), False, {}, False) == [], when
    # The next Monday the week is over: December's is dropped, and January's is theirs.
    assert due_list(snap, CONFIG, at("2026-12-14 09:30"), False, {}, False) == []
    [january] = due_list(snap, CONFIG, at("2027-01-04 09:30"), False, {}, False)
    assert january.period.key == "2027-01"


def test_unknown_cadences_are_weekly() -> None:
    assert person_cadence("monthly") == "monthly"
    assert person_cadence("daily") == "daily"
    assert person_cadence("sometimes") == "weekly"
