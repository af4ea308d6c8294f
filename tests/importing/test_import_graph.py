"""`serendip import` builds the interaction graph's counts as the live bot does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models import ChannelInfo
from bot.store import Store
from tests.support.bot import Env, running_bot
from tests.support.exports import (
    EXPORT_2016,
    TEAM,
    export_of,
    message,
    run_import,
    write_export,
)
from tests.support.graph import Pair, pairs

APRIL_2016 = 1459468800.0  # 2016-04-01, just after the sample's last message
ENRIQUE = "C0JGLMMNX"


def imported_pairs(db: Path, team: str) -> list[Pair]:
    store = Store(db).open()
    try:
        return asyncio.run(pairs(store, team))
    finally:
        store.close()


def test_the_2016_export_gives_its_mentions(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run_import(db, EXPORT_2016, clock=lambda: APRIL_2016)
    # Joins, Slack's "uploaded a file" texts and the bot's message (with its reaction) count
    # nothing; a person's "@name:" addressing someone is a mention.
    assert imported_pairs(db, "T0BMHLSRH") == [
        ("", "U0BMQB6JE", "U0BMS113R", "mention", 4),
        ("", "U0BMQB6JE", "U0BMYT2FL", "mention", 9),
        ("", "U0BMYT2FL", "U0BMQB6JE", "mention", 1),
    ]


async def test_a_worker_process_counts_as_this_one(live: Env, tmp_path: Path) -> None:
    await interact(live)
    export = export_of(live.slack, tmp_path / "export")
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    await asyncio.to_thread(run_import, here, export, use_worker=False)
    await asyncio.to_thread(run_import, there, export, use_worker=True)
    counted = await asyncio.to_thread(imported_pairs, here, live.team)
    assert ("", "U1", "U3", "reply", 1) in counted  # a reply back
    assert await asyncio.to_thread(imported_pairs, there, live.team) == counted


def test_counts_older_than_26_weeks_are_not_imported(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    summary = run_import(db, EXPORT_2016, clock=lambda: APRIL_2016 + 27 * 7 * 86400)
    assert summary.items == 12  # what the export shares is still imported
    assert imported_pairs(db, "T0BMHLSRH") == []


def test_importing_twice_counts_once(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run_import(db, EXPORT_2016, clock=lambda: APRIL_2016)
    first = imported_pairs(db, "T0BMHLSRH")
    run_import(db, EXPORT_2016, clock=lambda: APRIL_2016)
    assert imported_pairs(db, "T0BMHLSRH") == first


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Env]:
    """The bot in HTTP mode against the local Slack of tests/handlers."""
    async with running_bot(tmp_path / "live.db", "http") as running:
        yield running


async def interact(env: Env) -> None:
    """Reactions, replies, a reply back, mentions, and what never counts."""
    slack = env.slack
    slack.add_user("UBOT2", name="helperbot", is_bot=True)
    await slack.user_joins("UBOT2", "C1")
    parent = await slack.post_message("U1", "C1", "anyone tried the new build?")
    await slack.add_reaction("U2", "C1", parent["ts"], "eyes")
    await slack.add_reaction("U3", "C1", parent["ts"], "+1")
    await slack.add_reaction("U1", "C1", parent["ts"], "tada")
    await slack.post_message("U2", "C1", "yes <@U3> tried it too", thread_ts=parent["ts"])
    await slack.post_message("U3", "C1", "not for me", thread_ts=parent["ts"])
    await slack.post_message("U1", "C1", "thanks both", thread_ts=parent["ts"])
    await slack.post_message("U2", "C1", "one more thing", thread_ts=parent["ts"])
    await slack.post_message("U1", "C1", "noted", thread_ts=parent["ts"])
    theirs = await slack.post_message("X1", "C1", "vendor here <@U1>")
    await slack.add_reaction("U2", "C1", theirs["ts"], "wave")
    await slack.post_message("U2", "C1", "welcome", thread_ts=theirs["ts"])
    beep = await slack.post_message("UBOT2", "C1", "beep <@U2>")
    await slack.add_reaction("U3", "C1", beep["ts"], "robot_face")
    secret = await slack.post_message("U1", "C1", "!nda plans, <@U2>")
    await env.settle()
    await slack.add_reaction("U2", "C1", secret["ts"], "eyes")
    await slack.post_message("U3", "C1", "about the plans", thread_ts=secret["ts"])
    private = await slack.post_message("U1", "G1", "private <@U2>")
    await slack.add_reaction("U2", "G1", private["ts"], "eyes")
    await slack.post_message("U2", "C2", "random <@U1>")
    await env.settle()


async def test_live_and_import_count_the_same(live: Env, tmp_path: Path) -> None:
    await interact(live)
    counted = await pairs(live.store, live.team)
    assert ("", "U1", "U2", "reply", 2) in counted  # answered twice
    assert ("", "U2", "U3", "mention", 1) in counted
    export = export_of(live.slack, tmp_path / "export")
    db = tmp_path / "imported.db"
    await asyncio.to_thread(run_import, db, export)
    assert await asyncio.to_thread(imported_pairs, db, live.team) == counted


async def test_a_private_channel_counts_in_its_scope_only_with_capture_on(
    live: Env, tmp_path: Path
) -> None:
    slack = live.slack
    await slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    msg = await slack.post_message("U1", "G1", "private <@U2>")
    await slack.add_reaction("U2", "G1", msg["ts"], "eyes")
    await slack.post_message("U2", "G1", "ok", thread_ts=msg["ts"])
    await live.settle()
    counted = await pairs(live.store, live.team)
    assert {p[0] for p in counted} == {"G1"}
    export = export_of(live.slack, tmp_path / "export")
    without, with_consent = tmp_path / "without.db", tmp_path / "with.db"
    await asyncio.to_thread(run_import, without, export)
    assert await asyncio.to_thread(imported_pairs, without, live.team) == []
    store = Store(with_consent).open()
    await store.save_channel(ChannelInfo(live.team, "G1", "secret", is_private=True, capture="on"))
    store.close()
    await asyncio.to_thread(run_import, with_consent, export)
    assert await asyncio.to_thread(imported_pairs, with_consent, live.team) == counted


def test_opted_out_people_count_on_neither_side(tmp_path: Path) -> None:
    users = [{"id": u, "team_id": TEAM, "name": u.lower()} for u in ("U06A", "U06B", "U06C")]
    parent = message(
        "U06A",
        "1700000000.000100",
        "hi <@U06C>",
        reactions=[{"name": "eyes", "users": ["U06B", "U06C"], "count": 2}],
    )
    replies = [
        message("U06C", "1700000001.000100", "r", thread_ts=parent["ts"], parent_user_id="U06A"),
        message("U06B", "1700000002.000100", "r", thread_ts=parent["ts"], parent_user_id="U06A"),
        message("U06A", "1700000003.000100", "back", thread_ts=parent["ts"], parent_user_id="U06A"),
    ]
    export = write_export(
        tmp_path / "export",
        users,
        {"general": [parent, *replies]},
        public=[{"id": "C1", "name": "general"}],
    )
    db = tmp_path / "db.sqlite"
    store = Store(db).open()
    asyncio.run(store.set_opt_out(TEAM, "U06C", True))
    store.close()
    run_import(db, export, clock=lambda: 1700000000.0)
    assert imported_pairs(db, TEAM) == [
        ("", "U06A", "U06B", "reply", 1),
        ("", "U06B", "U06A", "reaction", 1),
        ("", "U06B", "U06A", "reply", 1),
    ]


def test_a_newer_export_does_not_count_a_day_twice(tmp_path: Path) -> None:
    users = [{"id": u, "team_id": TEAM, "name": u.lower()} for u in ("U06A", "U06B")]
    first = [message("U06A", "1700000000.000100", "hi <@U06B>")]
    later = [*first, message("U06B", "1700000100.000100", "hi <@U06A>")]
    general = [{"id": "C1", "name": "general"}]
    db = tmp_path / "db.sqlite"
    older = write_export(tmp_path / "older", users, {"general": first}, public=general)
    run_import(db, older, clock=lambda: 1700000000.0)
    newer = write_export(tmp_path / "newer", users, {"general": later}, public=general)
    summary = run_import(db, newer, clock=lambda: 1700000000.0)
    assert summary.files_read == 1  # the day file changed, so it was read again
    assert imported_pairs(db, TEAM) == [("", "U06A", "U06B", "mention", 1)]
