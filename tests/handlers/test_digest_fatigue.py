"""Digest fatigue with the real bot (issue 15): four unused digests move a person to monthly,
with one line and a "Keep it weekly" button; a press on a digest moves them back; a monthly
chosen with `/serendip digest monthly` stays monthly."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.store.sql.directory import set_person_setting
from jobs.compose import TIRED_LINE
from jobs.digests import load
from jobs.periods import month_key
from localslack.http_delivery import encode_body
from tests.support.bot import Env
from tests.support.digests import choose, digest_in, item_ids, send_now
from tests.support.rawdb import raw

NOTICE = "monthly from now on"


async def _something_new(env: Env, n: int) -> None:
    """U2 shares a link for the others; U1 stays active (they shared too)."""
    await env.slack.post_message("U2", "C1", f"news <https://news{n}.example/>")
    await env.slack.post_message("U1", "C2", f"mine <https://mine{n}.example/>")
    await env.settle()


async def _u1_digests(env: Env) -> list[dict[str, object]]:
    dm = env.slack.ws.dm_id("U1")
    assert dm is not None
    return [
        m
        for m in env.slack.messages(dm)
        if (m.get("metadata") or {}).get("event_type") == "serendip_digest"
    ]


async def _four_unused(env: Env, config: Config | None = None) -> None:
    """Four digests sent to U1, none of them pressed (again for the same week: --force)."""
    for n in range(4):
        await _something_new(env, n)
        await send_now(env, config, force=n > 0)
    assert len(await _u1_digests(env)) == 4
    assert all(NOTICE not in str(m["blocks"]) for m in await _u1_digests(env))


def _notice_button(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [
        str(b["accessory"]["action_id"])
        for b in blocks
        if b.get("block_id") == "digest_notice" and "accessory" in b
    ]


async def test_four_unused_digests_move_to_monthly_and_a_press_moves_back(env: Env) -> None:
    await _four_unused(env)
    await _something_new(env, 4)
    await send_now(env, force=True)
    fifth = digest_in(env, "U1")
    assert TIRED_LINE in str(fifth["text"])
    assert _notice_button(fifth) == ["digest_keep_weekly"]
    assert await env.store.digest_cadence(env.team, "U1") == "monthly"
    # Just moved: no monthly digest on top of this week's, whatever the day of the month.
    before = len(await _u1_digests(env))
    now = datetime.now(UTC)  # the run's moment, given to it: the month is the run's month
    await send_now(env, now=now)
    assert len(await _u1_digests(env)) == before
    keys = {r.period_key for r in await env.store.outbox_rows(None, env.team)}
    assert month_key(now.astimezone(ZoneInfo("Europe/Lisbon"))) not in keys
    # Any press on a digest is a use of it (Useful, in the item's menu): weekly again, and
    # the digest no longer says it goes monthly, nor offers Keep it weekly.
    await choose(env, "U1", "U1", fifth, f"useful:{item_ids(fifth)[0]}")
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"
    pressed = digest_in(env, "U1")
    assert pressed["ts"] == fifth["ts"]
    assert "you found this useful" in str(pressed["blocks"])
    assert _notice_button(pressed) == []
    assert NOTICE not in str(pressed["blocks"])
    assert "stays weekly" in str(pressed["blocks"])
    # Weekly as before: U1 never chose, so moving back does not make them one who asked.
    assert "U1" not in (await load(env.store, env.team, datetime.now(UTC), False, "optin")).people
    # And the press counts: the next weekly digest says nothing of monthly.
    await _something_new(env, 5)
    await send_now(env, force=True)
    assert NOTICE not in str(digest_in(env, "U1")["blocks"])
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"


async def test_keep_it_weekly(env: Env) -> None:
    await _four_unused(env)
    await _something_new(env, 4)
    await send_now(env, force=True)
    fifth = digest_in(env, "U1")
    dm = env.slack.ws.dm_id("U1")
    ack = await env.slack.block_action(
        "U1", "digest_keep_weekly", "weekly", dm, str(fifth["ts"]), block_id="digest_notice"
    )
    assert ack.status == 200
    await env.settle()
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"
    shown = digest_in(env, "U1")
    assert shown["ts"] == fifth["ts"]
    assert _notice_button(shown) == []  # the button is gone, and the line says so
    assert "stays weekly" in str(shown["blocks"])
    assert item_ids(shown) == item_ids(fifth)  # the rest of the digest is as it was
    # Their choice counts from now: four more digests before fatigue could move them again.
    for n in range(5, 8):
        await _something_new(env, n)
        await send_now(env, force=True)
        assert NOTICE not in str(digest_in(env, "U1")["blocks"])
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"


async def test_a_chosen_monthly_stays_monthly_and_gets_a_monthly_digest(env: Env) -> None:
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "digest monthly")
    assert "once a month" in str(ack.body)
    assert await env.store.digest_cadence(env.team, "U1") == "monthly"
    await _something_new(env, 0)
    now = datetime.now(UTC)  # the run's moment, given to it
    await send_now(env, now=now)
    month = f"{now.astimezone(ZoneInfo('Europe/Lisbon')):%B}"
    message = digest_in(env, "U1")
    assert f"Your Serendip digest: Month of {month}" in str(message["text"])
    rows = [r for r in await env.store.outbox_rows(None, env.team) if r.recipient == "U1"]
    assert [len(r.period_key) for r in rows] == [7]  # keyed by its month: `2026-12`
    await choose(env, "U1", "U1", message, f"useful:{item_ids(message)[0]}")
    assert await env.store.digest_cadence(env.team, "U1") == "monthly"  # their choice stays
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "digest")
    assert "weekly|daily|monthly|off" in str(ack.body)


async def test_keep_it_weekly_careless_presses(env: Env) -> None:
    # Pressed by someone never moved, from no message at all: nothing changes (they did not
    # ask for digests by it), and nothing breaks.
    dm3 = "C1"  # an ephemeral message in a channel: no digest at all
    ack = await env.slack.block_action(
        "U3", "digest_keep_weekly", "whatever", dm3, container_type="ephemeral"
    )
    assert ack.status == 200
    await env.settle()
    assert await env.store.digest_cadence(env.team, "U3") == "weekly"
    assert "U3" not in (await load(env.store, env.team, datetime.now(UTC), False, "optin")).people
    await env.slack.slash_command("U2", "C1", "/serendip", "optout")
    dm2 = "C1"
    await env.slack.block_action(
        "U2", "digest_keep_weekly", "weekly", dm2, container_type="ephemeral"
    )
    await env.settle()
    assert any("You opted out" in str(r.get("text")) for r in env.slack.responses)


async def test_choosing_weekly_again_restarts_the_count(env: Env) -> None:
    await _four_unused(env)
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "digest weekly")
    assert "once a week" in str(ack.body)
    await _something_new(env, 4)
    await send_now(env, force=True)
    assert NOTICE not in str(digest_in(env, "U1")["blocks"])
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"


async def test_a_moved_person_who_had_asked_still_gets_digests_in_optin_mode(env: Env) -> None:
    # SERENDIP_PERSONAL_DIGESTS=optin: only those who asked get one. U1 asked; fatigue moving
    # them to monthly does not take them off the list (they would never hear from us again).
    optin = replace(env.config, personal_digests="optin")
    await env.slack.slash_command("U1", "C1", "/serendip", "digest weekly")
    await _four_unused(env, optin)
    await _something_new(env, 4)
    await send_now(env, optin, force=True)
    assert TIRED_LINE in str(digest_in(env, "U1")["text"])
    assert await env.store.digest_cadence(env.team, "U1") == "monthly"
    snap = await load(env.store, env.team, datetime.now(UTC), False, "optin")
    assert "U1" in snap.people
    assert (snap.people["U1"].cadence, snap.people["U1"].asked) == ("monthly", True)
    assert "U2" not in snap.people  # never asked: no digest in optin mode


async def test_a_weekly_chosen_before_choice_times_were_kept_stays_chosen(env: Env) -> None:
    # A weekly chosen before the fatigue migration has no choice time: the move keeps it as a
    # choice (time 0), so moving back makes them weekly by choice again, and in optin mode
    # they get digests throughout.
    await env.store._write(set_person_setting, env.team, "U1", "digest", "weekly")
    await env.store.plan_digests([_tired_row(env.team, "2026-W40")], 10.0)
    assert await env.store.digest_cadence(env.team, "U1") == "monthly"
    assert "U1" in (await load(env.store, env.team, datetime.now(UTC), False, "optin")).people
    await env.store.record_click(env.team, "U1", None, "useful", 20.0)
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"
    snap = await load(env.store, env.team, datetime.now(UTC), False, "optin")
    assert snap.people["U1"].asked


def _tired_row(team: str, key: str) -> dict[str, object]:
    """An outbox row whose digest tells U1 they move to monthly."""
    return {
        "team_id": team,
        "recipient": "U1",
        "kind": "person",
        "period_key": key,
        "round": 0,
        "status": "pending",
        "to_monthly": True,
    }


async def test_digest_settings_show_the_monthly_they_were_moved_to(env: Env) -> None:
    # Opening "Digest settings" moves nobody back: it shows monthly as it is, with Weekly to
    # choose (and no Monthly button, as that is their setting).
    await _four_unused(env)
    await _something_new(env, 4)
    await send_now(env, force=True)
    fifth = digest_in(env, "U1")
    dm = env.slack.ws.dm_id("U1")
    await env.slack.block_action("U1", "digest_settings", "", dm, str(fifth["ts"]))
    await env.settle()
    shown = env.slack.responses[-1]
    assert "Your personal digest is monthly" in str(shown["text"])
    assert await env.store.digest_cadence(env.team, "U1") == "monthly"
    buttons = [
        e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert "digest_cadence_weekly" in buttons
    assert "digest_cadence_monthly" not in buttons
    await env.slack.block_action(
        "U1", "digest_cadence_weekly", "weekly", dm, container_type="ephemeral"
    )
    await env.settle()
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"


async def test_an_old_keep_it_weekly_after_choosing_changes_nothing(env: Env) -> None:
    # Moved, then U1 chose daily elsewhere: the Keep it weekly of the old digest, pressed
    # later, leaves daily as it is and says so in place of the line.
    await _four_unused(env)
    await _something_new(env, 4)
    await send_now(env, force=True)
    fifth = digest_in(env, "U1")
    await env.slack.slash_command("U1", "C1", "/serendip", "digest daily")
    dm = env.slack.ws.dm_id("U1")
    await env.slack.block_action(
        "U1", "digest_keep_weekly", "weekly", dm, str(fifth["ts"]), block_id="digest_notice"
    )
    await env.settle()
    assert await env.store.digest_cadence(env.team, "U1") == "daily"
    shown = digest_in(env, "U1")
    assert _notice_button(shown) == []
    assert "your digest is daily" in str(shown["blocks"])
    # Twice: the second press finds them weekly by their choice, and says so.
    await env.slack.slash_command("U1", "C1", "/serendip", "digest weekly")
    await env.slack.block_action(
        "U1", "digest_keep_weekly", "weekly", dm, str(fifth["ts"]), block_id="digest_notice"
    )
    await env.settle()
    assert await env.store.digest_cadence(env.team, "U1") == "weekly"


async def test_a_press_naming_no_workspace_records_nothing(http_env: Env) -> None:
    # A signed press whose workspace is an empty string (and the person names none): refused
    # in words, not recorded for a workspace called "None".
    slack = http_env.slack
    for action in ("digest_keep_weekly", "digest_settings"):
        await slack.block_action("U1", action, "weekly", "C1", container_type="ephemeral")
        await http_env.settle()
        payload = copy.deepcopy(slack.deliveries[-1].payload)
        payload["team"]["id"] = ""
        payload["user"].pop("team_id", None)
        status, _ = await slack.send_signed(*encode_body("interactive", payload))
        assert status == 200
        await http_env.settle()
        assert "could not tell which workspace" in str(slack.responses[-1].get("text"))
    clicks = raw(
        http_env.store, lambda db: db.execute("SELECT team_id FROM digest_clicks").fetchall()
    )
    assert ("None",) not in clicks
    assert ("",) not in clicks
