"""Who is due a digest and when: time zones, cadences, missed digests, --now and --force."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import load_config
from bot.digest_models import ChannelFacts, DigestSnapshot, Recipient
from jobs.digests import Due, due_list, due_period

CONFIG = load_config({"SERENDIP_TZ": "Europe/Paris"}, dotenv=None)


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def snapshot(*people: Recipient, channels: tuple[str, ...] = ()) -> DigestSnapshot:
    snap = DigestSnapshot("T1", 0.0, 0.0)
    snap.people = {p.user_id: p for p in people}
    snap.channels = {c: ChannelFacts(c, c.lower(), False, "weekly") for c in channels}
    return snap


def person(uid: str, tz: str | None = "UTC", cadence: str = "weekly") -> Recipient:
    return Recipient(uid, cadence, tz, None, False)


def due_ids(snap: DigestSnapshot, now: datetime, **opts: object) -> dict[str, Due]:
    planned = opts.pop("planned", {})
    found = due_list(
        snap,
        CONFIG,
        now,
        bool(opts.get("now_mode")),
        planned,  # type: ignore[arg-type]
        bool(opts.get("force")),
    )
    return {d.recipient: d for d in found}


def test_weekly_digest_follows_each_persons_time_zone() -> None:
    snap = snapshot(
        person("UTOKYO", "Asia/Tokyo"),
        person("ULON", "Europe/London"),
        person("UCHI", "America/Chicago"),
    )
    # Monday 09:30 in Tokyo is Monday 00:30 in UTC: Tokyo's new digest is due; in Chicago
    # it is still Sunday, so last week's (never sent here) is still current there.
    early = {r: d.period.key for r, d in due_ids(snap, at("2026-11-30 00:30")).items()}
    assert early == {"UTOKYO": "2026-W49", "UCHI": "2026-W48"}
    later = {r: d.period.key for r, d in due_ids(snap, at("2026-11-30 15:30")).items()}
    assert later == {"UTOKYO": "2026-W49", "ULON": "2026-W49", "UCHI": "2026-W49"}
    assert set(due_ids(snap, at("2026-11-30 09:30"))) == {"UTOKYO", "ULON"}


def test_channels_use_the_workspace_zone() -> None:
    snap = snapshot(channels=("C1",))
    assert due_ids(snap, at("2026-11-30 07:59")) == {}  # 08:59 in Paris
    due = due_ids(snap, at("2026-11-30 08:01"))["C1"]
    assert due.kind == "channel"
    assert due.period.end == at("2026-11-30 09:00", "Europe/Paris")


def test_daily_on_monday_covers_the_weekend_and_nothing_on_saturday() -> None:
    snap = snapshot(person("U1", cadence="daily"))
    monday = due_ids(snap, at("2026-11-30 09:05"))["U1"].period
    assert monday.start == at("2026-11-27 09:00")
    assert monday.key == "2026-11-30"
    assert due_ids(snap, at("2026-12-05 10:00")) == {}  # Saturday: Friday's is no longer current


def test_a_bot_down_at_the_digest_hour_catches_up_while_the_key_is_current() -> None:
    snap = snapshot(person("UW"), person("UD", cadence="daily"))
    wednesday = due_ids(snap, at("2026-12-02 14:00"))
    assert wednesday["UW"].period.key == "2026-W49"  # Monday's weekly digest, still this week
    assert wednesday["UD"].period.key == "2026-12-02"  # Tuesday's daily was dropped
    # A week later the missed weekly digest is gone, replaced by the new one.
    assert due_ids(snap, at("2026-12-07 10:00"))["UW"].period.key == "2026-W50"


def test_a_digest_day_later_in_the_week() -> None:
    config = load_config({"SERENDIP_DIGEST_DAY": "wed", "SERENDIP_DIGEST_HOUR": "17"}, dotenv=None)
    tz = ZoneInfo("UTC")
    assert due_period(at("2026-12-01 12:00"), tz, "weekly", config, False) is None  # Tuesday
    period = due_period(at("2026-12-02 17:00"), tz, "weekly", config, False)
    assert period is not None
    assert period.start == at("2026-11-25 17:00")


def test_planned_keys_are_skipped_unless_forced_after_they_are_done() -> None:
    snap = snapshot(person("U1"), person("U2"))
    now = at("2026-11-30 10:00")
    planned = {("U1", "2026-W49"): (0, "sent"), ("U2", "2026-W49"): (0, "sending")}
    assert due_ids(snap, now, planned=planned) == {}
    forced = due_ids(snap, now, planned=planned, force=True)
    assert set(forced) == {"U1"}
    assert forced["U1"].round == 1


def test_now_mode_and_the_weekly_key() -> None:
    snap = snapshot(person("U1"))
    thursday = at("2026-12-03 11:00")
    assert due_ids(snap, thursday)["U1"].period.key == "2026-W49"
    sent = {("U1", "2026-W49"): (0, "sent")}
    assert due_ids(snap, thursday, planned=sent, now_mode=True) == {}  # Monday's went out
    now = due_ids(snap, thursday, now_mode=True)["U1"].period
    assert now.end == thursday
    assert now.key == "2026-W49"


def test_off_opted_out_unknown_zone_and_cadence_change() -> None:
    snap = snapshot(person("UOFF", cadence="off"), person("UBAD", tz="Mars/Olympus"))
    due = due_ids(snap, at("2026-11-30 08:30"))  # 09:30 in Paris, the fallback zone
    assert set(due) == {"UBAD"}
    # Switching to daily in mid-week: the next weekday's daily digest is due at once.
    switched = snapshot(person("U1", cadence="daily"))
    assert due_ids(switched, at("2026-12-03 09:30"))["U1"].period.key == "2026-12-03"
