"""Three `serendip run` replicas on one PostgreSQL database, over HTTP behind a round-robin
balancer and over Socket Mode: a stream of messages and reactions, one replica killed with
SIGKILL part-way, and afterwards every event handled, once, and in order per message."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import psycopg

from bot.envelopes import part_of
from localslack import LocalSlack
from tests.handlers.test_run_postgresql import cli
from tests.support.ask import buttons
from tests.support.balancer import Balancer
from tests.support.bot import populate
from tests.support.home import texts
from tests.support.processes import free_port, start, wait_healthy

Killed = tuple[int, float, set[int]]  # (which replica, when, the partitions it held)
REPLICAS = 3
MESSAGES = 8
STEPS = 31  # reactions toggled on each message, by turns: U1 16 times (gone), U2 15 (kept)
REACTORS = ("U1", "U2")
LEASE = "4"  # seconds: a killed replica's partitions are taken over within a few; a live one
# that stalls for 2 s on a loaded 2-core machine (three replicas, PostgreSQL, the local Slack)
# keeps them


def channel_of(n: int) -> str:
    """Each message in a channel of its own: a channel's events go to one replica, in order,
    so the stream spreads over the replicas only across channels."""
    return f"CR{n}"


def add_channels(slack: LocalSlack) -> None:
    for n in range(MESSAGES):
        slack.add_channel(
            channel_of(n), name=f"stream-{n}", members=["U1", "U2", "U3"], bot_member=True
        )


async def one_message(slack: LocalSlack, n: int) -> str:
    """Post a message with a link, then toggle reactions on it, each after the last is acked."""
    channel = channel_of(n)
    posted = await slack.post_message(
        "U3", channel, f"worth reading <https://replicas.example/{n}>"
    )
    ts = str(posted["ts"])
    present: set[str] = set()
    for step in range(STEPS):
        user = REACTORS[step % len(REACTORS)]
        if user in present:
            await slack.remove_reaction(user, channel, ts, "+1")
            present.discard(user)
        else:
            await slack.add_reaction(user, channel, ts, "+1")
            present.add(user)
    return ts


async def kill_part_way(slack: LocalSlack, url: str, bots: list[subprocess.Popen[bytes]]) -> Killed:
    """Once a third of the stream is acknowledged, SIGKILL the replica that holds the most
    of the messages' partitions; (which one, when, the messages' partitions it held)."""
    total = MESSAGES * (STEPS + 1)
    while sum(1 for d in slack.deliveries if d.acked) < total // 3:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    parts = {part_of(json.dumps(d.payload)) for d in slack.deliveries if d.type == "events_api"}
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT part, owner FROM inbox_leases").fetchall()
    owners: dict[int, str | None] = {int(part): owner for part, owner in rows}
    held = [{p for p in parts if f":{bot.pid}:" in str(owners.get(p))} for bot in bots]
    victim = max(range(len(bots)), key=lambda i: len(held[i]))
    bots[victim].send_signal(signal.SIGKILL)
    return victim, time.time(), held[victim]


def handled_since(url: str, parts: set[int], at: float) -> int:
    """How many events of these partitions were handled after `at`."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM inbox WHERE part = ANY(%s) AND done_at > %s", [list(parts), at]
        ).fetchone()
    return int(row[0]) if row else 0


async def wait_all_handled(url: str, seconds: float = 30.0) -> None:
    async with asyncio.timeout(seconds):
        while True:
            with psycopg.connect(url) as conn:
                row = conn.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()
            if row and row[0] == 0:
                return
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def replicas(
    slack: LocalSlack, url: str, tmp_path: Path, ports: list[int], socket_mode: bool
) -> AsyncIterator[list[subprocess.Popen[bytes]]]:
    """`serendip run` processes on one database, one per port; stopped (or found killed)
    afterwards."""
    settings = {"SERENDIP_DB": url, "SERENDIP_LEASE_SECONDS": LEASE}
    logs = [(tmp_path / f"replica{i}.log").open("wb") for i in range(len(ports))]
    bots = [
        start(slack, tmp_path / "unused.db", port, socket_mode, settings, stderr=log)
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        for port in ports:
            await wait_healthy(port)  # 60 s: three processes starting on a busy machine
        yield bots
    finally:
        for bot in bots:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
        for bot in bots:
            bot.wait(timeout=20)
        for log in logs:
            log.close()


async def wait_taken_over(url: str, bots: list[subprocess.Popen[bytes]]) -> None:
    """Until the survivors hold every partition (the killed replica's were taken over)."""
    survivors = {str(bot.pid) for bot in bots if bot.poll() is None}
    async with asyncio.timeout(15):
        while True:
            with psycopg.connect(url) as conn:
                owners = conn.execute("SELECT owner FROM inbox_leases").fetchall()
            # A replica's name is host:pid:tail.
            if {str(owner).split(":")[1] if owner else None for (owner,) in owners} == survivors:
                return
            await asyncio.sleep(0.1)


def inbox_rows(url: str) -> dict[str, tuple[int, float | None, str | None]]:
    """Every stored event: event id -> (position, handled at, error)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT event_id, seq, done_at, error FROM inbox").fetchall()
    return {str(e): (int(s), d, err) for e, s, d, err in rows}


def votes(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT i.url, v.voter FROM votes v JOIN items i ON i.id = v.item_id"
        ).fetchall()
    found: dict[str, set[str]] = {}
    for link, voter in rows:
        found.setdefault(str(link), set()).add(str(voter))
    return found


def check_stream(slack: LocalSlack, url: str, timestamps: list[str]) -> None:
    """Nothing lost, nothing twice, each message's events handled in the order Slack sent."""
    deliveries = [d for d in slack.deliveries if d.type == "events_api"]
    assert all(d.acked for d in deliveries), [d.statuses for d in deliveries if not d.acked]
    stored = inbox_rows(url)
    sent = {str(d.event_id) for d in deliveries}
    assert set(stored) == sent  # one row per event, whichever replica (or retry) stored it
    assert [e for e, (_, done, err) in stored.items() if done is None or err] == []
    for ts in timestamps:
        ids = [str(d.event_id) for d in deliveries if about(d.payload) == ts]
        assert len(ids) == STEPS + 1
        handled = [stored[e] for e in ids]
        assert [seq for seq, _, _ in handled] == sorted(seq for seq, _, _ in handled)
        done = [at or 0.0 for _, at, _ in handled]  # (every one is set: checked above)
        assert done == sorted(done), f"the events about {ts} were handled out of order"
    expected = {f"https://replicas.example/{n}": {"U2"} for n in range(MESSAGES)}
    assert votes(url) == expected
    # Counts add up with each reaction handled. An event whose listener was running when its
    # replica was killed runs again on the new owner (at most one per message: a message's
    # events run one after the other); anything more was handled twice.
    adds = MESSAGES * len([s for s in range(STEPS) if s % 4 < 2])
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT sum(n) FROM interactions WHERE kind = 'reaction'").fetchone()
    counted = int(row[0]) if row and row[0] is not None else 0
    assert adds <= counted <= adds + MESSAGES


def trouble(tmp_path: Path, survivors: list[int]) -> list[str]:
    """What the surviving replicas logged of failed events, listener errors or fenced-out
    outcomes (a partition handled by two replicas)."""
    signs = (" ERROR bot.inbox:", " ERROR serendip.bolt:", " WARNING bot.leases:")
    lines = [
        line
        for i in survivors
        for line in (tmp_path / f"replica{i}.log").read_text().splitlines()
        if any(sign in line for sign in signs)
    ]
    return lines


def about(payload: dict[str, Any]) -> str | None:
    """The message an event is about."""
    event = payload.get("event") or {}
    item = event.get("item") or {}
    return item.get("ts") or event.get("ts")


async def run_stream(
    slack: LocalSlack, url: str, bots: list[subprocess.Popen[bytes]]
) -> tuple[list[str], Killed]:
    killer = asyncio.create_task(kill_part_way(slack, url, bots))
    timestamps = await asyncio.gather(*(one_message(slack, n) for n in range(MESSAGES)))
    return list(timestamps), await killer


def check_kill(
    url: str, tmp_path: Path, bots: list[subprocess.Popen[bytes]], killed: Killed
) -> None:
    """The victim died of SIGKILL, the others stopped cleanly and logged no trouble, and the
    victim's partitions were handled by the others after its death (taken over)."""
    victim, at, parts = killed
    survivors = [i for i in range(len(bots)) if i != victim]
    assert bots[victim].returncode == -signal.SIGKILL
    assert [bots[i].returncode for i in survivors] == [0] * len(survivors)
    assert trouble(tmp_path, survivors) == []
    assert parts  # (it held some: three replicas share the messages' partitions)
    assert handled_since(url, parts, at) > 0


async def test_three_replicas_over_http_one_killed(pg_url: str, tmp_path: Path) -> None:
    migrated = await asyncio.to_thread(cli, ["migrate"], tmp_path, SERENDIP_DB=pg_url)
    assert migrated.returncode == 0, migrated.stderr
    async with LocalSlack() as slack:
        populate(slack)
        add_channels(slack)
        ports = [free_port() for _ in range(REPLICAS)]
        async with (
            replicas(slack, pg_url, tmp_path, ports, socket_mode=False) as bots,
            Balancer(ports) as balancer,
        ):
            slack.deliver_http(f"{balancer.url}/slack/events", timeout=5.0)
            timestamps, killed = await run_stream(slack, pg_url, bots)
            await wait_all_handled(pg_url)
            await wait_taken_over(pg_url, bots)
            assert all(balancer.served[port] > 0 for port in ports)
        check_stream(slack, pg_url, timestamps)
    check_kill(pg_url, tmp_path, bots, killed)


async def test_three_replicas_over_socket_mode_one_killed(pg_url: str, tmp_path: Path) -> None:
    migrated = await asyncio.to_thread(cli, ["migrate"], tmp_path, SERENDIP_DB=pg_url)
    assert migrated.returncode == 0, migrated.stderr
    async with LocalSlack() as slack:
        populate(slack)
        add_channels(slack)
        slack.deliver_socket(ack_timeout=1.0)
        ports = [free_port() for _ in range(REPLICAS)]
        async with replicas(slack, pg_url, tmp_path, ports, socket_mode=True) as bots:
            await slack.wait_connected(REPLICAS, timeout=20)
            timestamps, killed = await run_stream(slack, pg_url, bots)
            await wait_all_handled(pg_url)
            await wait_taken_over(pg_url, bots)
        check_stream(slack, pg_url, timestamps)
    check_kill(pg_url, tmp_path, bots, killed)


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not check():  # noqa: ASYNC110 (the replicas' work, in other processes)
            await asyncio.sleep(0.05)


async def test_commands_buttons_and_modals_on_whichever_replica(
    pg_url: str, tmp_path: Path
) -> None:
    # Round robin: each request below reaches the next replica, so a button is pressed on
    # another replica than the one that answered the command, and a modal submitted on another
    # than the one that opened it; what they need is in the database.
    migrated = await asyncio.to_thread(cli, ["migrate"], tmp_path, SERENDIP_DB=pg_url)
    assert migrated.returncode == 0, migrated.stderr
    async with LocalSlack() as slack:
        populate(slack)
        ports = [free_port() for _ in range(REPLICAS)]
        async with (
            replicas(slack, pg_url, tmp_path, ports, socket_mode=False),
            Balancer(ports) as balancer,
        ):
            slack.deliver_http(f"{balancer.url}/slack/events", timeout=5.0)
            shared = await slack.post_message(
                "U2", "C1", "TIL kafka consumer groups rebalance on join"
            )
            await slack.add_reaction("U3", "C1", str(shared["ts"]), "+1")
            await wait_all_handled(pg_url)
            before = dict(balancer.served)
            asked = await slack.slash_command(
                "U1", "C1", "/ask", "does anyone know why kafka consumer groups rebalance?"
            )
            await until(lambda: bool(slack.responses) or bool(asked.body))
            answer = asked.body if asked.body and asked.body.get("text") else slack.responses[-1]
            assert "Maybe this answers it" in answer["text"]
            value = buttons(answer)["ask_post"]
            for _ in range(2):  # pressed twice, on two more replicas: one question card
                ack = await slack.block_action(
                    "U1", "ask_post", value, channel="C1", container_type="ephemeral"
                )
                assert ack.status == 200
            await until(lambda: len(question_cards(slack)) == 1)
            await slack.open_home("U1")
            await until(lambda: "U1" in slack.home_views)
            opened = await slack.block_action("U1", "home_search", container_type="view")
            assert opened.status == 200
            await until(lambda: slack.modal_for("find_modal") is not None)
            values = {"find_query": {"text": {"type": "plain_text_input", "value": "kafka"}}}
            found = await slack.view_submission("U1", "find_modal", values)
            assert found.body is not None
            assert "rebalance on join" in texts(found.body["view"]["blocks"])
            served = {port: balancer.served[port] - before.get(port, 0) for port in ports}
            assert all(count > 0 for count in served.values()), served
            await asyncio.sleep(0.5)
        assert len(question_cards(slack)) == 1
        assert slack.server_errors == []
    assert trouble(tmp_path, list(range(REPLICAS))) == []


def question_cards(slack: LocalSlack) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.messages("C1")
        if (m.get("metadata") or {}).get("event_type") == "serendip_question"
    ]
