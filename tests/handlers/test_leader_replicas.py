"""Replicas of `serendip run` on one PostgreSQL database: one leader runs the scheduled jobs; the
leader killed in the middle of delivering 1,000 digests is replaced within 30 seconds and every
recipient gets exactly one; two replicas started at the same moment migrate once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bot.store import Store
from bot.store.migrations import MIGRATIONS
from localslack import LocalSlack
from localslack.types import LocalSlackError
from tests.support import seed
from tests.support.processes import free_port, start, wait_healthy

RECIPIENTS = [f"U{n:04d}" for n in range(1000)]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TAKE_OVER_SECONDS = 30.0


def digest_settings(pg_url: str) -> dict[str, str]:
    """Digests due now (this weekday, from midnight UTC), paced at 50 posts a second, a leader
    poll and a digest tick of a second."""
    return {
        "SERENDIP_DB": pg_url,
        "SERENDIP_DIGEST_DAY": DAYS[datetime.now(UTC).weekday()],
        "SERENDIP_DIGEST_HOUR": "0",
        "SERENDIP_SEND_RATE": "3000",
        "SERENDIP_LEADER_POLL": "1",
        "SERENDIP_DIGEST_TICK": "1",
    }


async def seed_recipients(pg_url: str) -> None:
    """1,000 people active this week, and three links shared yesterday that they have not seen."""
    store = Store(pg_url).open()
    try:
        await seed.channel(store, "C1", "general")
        await seed.person(store, "USHARER")
        yesterday = datetime.now(UTC).replace(hour=0, minute=0) - timedelta(hours=12)
        for n, site in enumerate(("a", "b", "c")):
            await seed.share(
                store, "C1", "USHARER", f"https://{site}.example/", yesterday + timedelta(minutes=n)
            )
        active = time.time() - 3600
        # Together: the writer commits them in a few batches rather than 2,000 transactions.
        await asyncio.gather(*(seed.person(store, uid) for uid in RECIPIENTS))
        await asyncio.gather(
            *(store.note_person_activity(seed.TEAM, uid, active) for uid in RECIPIENTS)
        )
    finally:
        store.close()


def digests_by_recipient(slack: LocalSlack) -> Counter[str]:
    """How many digest posts each recipient's DM holds."""
    counts: Counter[str] = Counter()
    for uid in RECIPIENTS:
        try:
            messages = slack.messages(uid)
        except LocalSlackError:  # no DM opened with them yet
            continue
        for m in messages:
            if (m.get("metadata") or {}).get("event_type") == "serendip_digest":
                counts[uid] += 1
    return counts


def leader(pg_url: str) -> tuple[str, int] | None:
    with psycopg.connect(pg_url) as conn:
        row = conn.execute("SELECT holder, epoch FROM leadership").fetchone()
    return None if row is None else (str(row[0]), int(row[1]))


async def wait_leader(pg_url: str) -> tuple[str, int]:
    """The leader's row once some replica leads."""
    for _ in range(300):
        found = leader(pg_url)
        if found is not None:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError("no replica took the lead")


def statuses(pg_url: str) -> Counter[str]:
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
    return Counter({str(s): int(n) for s, n in rows})


def stop(bot: subprocess.Popen[bytes]) -> None:
    if bot.poll() is None:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()


async def test_the_leader_killed_mid_delivery_is_replaced_and_each_gets_one(
    pg_url: str, tmp_path: Path
) -> None:
    await seed_recipients(pg_url)
    async with LocalSlack(team_id=seed.TEAM) as slack:
        slack.add_user("USHARER", name="sharer")
        for uid in RECIPIENTS:
            slack.add_user(uid, name=uid.lower())
        slack.add_channel("C1", name="general", members=["USHARER", *RECIPIENTS], bot_member=True)
        settings = digest_settings(pg_url)
        logs = [(tmp_path / f"bot{n}.log").open("wb") for n in range(2)]
        ports = [free_port(), free_port()]
        first = start(slack, tmp_path / "unused.db", ports[0], settings=settings, stderr=logs[0])
        bots = [first]
        try:
            await wait_healthy(ports[0])
            await wait_leader(pg_url)
            second = start(
                slack, tmp_path / "unused.db", ports[1], settings=settings, stderr=logs[1]
            )
            bots.append(second)
            await wait_healthy(ports[1])
            holder, epoch = leader(pg_url) or ("", 0)
            assert holder.endswith(f":{first.pid}")
            while sum(digests_by_recipient(slack).values()) < 200:
                assert first.poll() is None
                await asyncio.sleep(0.05)
            assert leader(pg_url) == (holder, epoch)  # the second replica only waited
            first.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            first.wait()
            sent_by_first = sum(digests_by_recipient(slack).values())
            while (leader(pg_url) or ("", 0))[1] == epoch:
                assert time.monotonic() - killed < TAKE_OVER_SECONDS, "nobody took over"
                await asyncio.sleep(0.2)
            took_over = time.monotonic() - killed
            assert (leader(pg_url) or ("",))[0].endswith(f":{second.pid}")
            deadline = time.monotonic() + 90
            while statuses(pg_url)["sent"] < len(RECIPIENTS) + 1:  # and the channel's
                assert time.monotonic() < deadline, statuses(pg_url)
                await asyncio.sleep(0.5)
            finished = time.monotonic() - killed
            counts = digests_by_recipient(slack)
        finally:
            for bot in bots:
                stop(bot)
            for log in logs:
                log.close()
    # Handed over at once (the killed session's lock goes with it); the half-sent rows wait
    # out DEPOSED_SECONDS (45 s) before history settles them.
    assert took_over < TAKE_OVER_SECONDS
    assert finished < 80
    assert 200 <= sent_by_first < len(RECIPIENTS)
    assert set(counts) == set(RECIPIENTS)
    assert set(counts.values()) == {1}
    assert "Traceback" not in (tmp_path / "bot1.log").read_text()


async def test_two_replicas_starting_together_on_an_empty_database_migrate_once(
    pg_url: str, tmp_path: Path
) -> None:
    async with LocalSlack(team_id=seed.TEAM) as slack:
        settings = {"SERENDIP_DB": pg_url, "SERENDIP_LEADER_POLL": "1"}
        logs = [(tmp_path / f"bot{n}.log").open("wb") for n in range(2)]
        ports = [free_port(), free_port()]
        bots = [
            start(slack, tmp_path / "unused.db", port, settings=settings, stderr=log)
            for port, log in zip(ports, logs, strict=True)
        ]
        try:
            await asyncio.gather(*(wait_healthy(port) for port in ports))
            await wait_leader(pg_url)
            await asyncio.sleep(2.5)  # two more polls: the other replica does not take it
            with psycopg.connect(pg_url) as conn:
                versions = conn.execute("SELECT version FROM serendip_schema").fetchall()
            current = leader(pg_url)
            alive = [bot.poll() is None for bot in bots]
        finally:
            for bot in bots:
                stop(bot)
            for log in logs:
                log.close()
    assert versions == [(len(MIGRATIONS),)]  # one row: the first step ran once
    assert alive == [True, True]
    assert current is not None
    assert current[1] == 1  # one leader ever
    assert current[0].rsplit(":", 1)[1] in {str(bot.pid) for bot in bots}
    for n in range(2):
        text = (tmp_path / f"bot{n}.log").read_text()
        assert "Traceback" not in text
        assert "already exists" not in text
