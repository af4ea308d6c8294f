"""Ingest across replicas: N `serendip run --http` processes on one database, against bare Bolt.

For each database (SQLite, one process: it serves one; PostgreSQL with every count asked for)
a fresh database, N replicas started on it and the same kind of signed stream as
bench/ingest.py, spread request by request over the replicas' ports as a round-robin load
balancer would, its events in 32 channels. Prints acknowledged events/s and ack p99, then
events/s handled end to end (stored and indexed: the inbox empty and every share stored,
counted from the first request), and the same stream's rate against one bare Bolt app run
right after, for the ratio.

    .venv/bin/python bench/ingest.py --db postgresql://postgres@127.0.0.1/postgres --replicas 1,2,3
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.ingest import ROOT, Run, backlog, blast, channel_name, free_port, stream, wait_up
from localslack import LocalSlack

# Events spread over channels, as in a workspace: a channel's events are handled in order by
# one replica, so one channel alone would measure one replica whatever the count.
CHANNELS = 32


@dataclass
class Row:
    """One line of the table: a database, a replica count and what they did."""

    label: str
    replicas: int
    acked: Run
    handled_rate: float
    bare: Run


@contextmanager
def fresh_db(db: str, folder: Path) -> Iterator[str]:
    """A new database: a file for 'sqlite', else a new database on the URL's server."""
    if db == "sqlite":
        yield str(folder / f"bench-{secrets.token_hex(4)}.db")
        return
    name = f"serendip_bench_{secrets.token_hex(6)}"
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(db)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    finally:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def drained(db: str, expected: int) -> None:
    """Wait until every event is handled and every share stored."""
    while True:
        left, shares = backlog(db)
        if left == 0 and shares >= expected:
            return
        await asyncio.sleep(0.1)


@asynccontextmanager
async def serving(slack: LocalSlack, db: str, count: int) -> AsyncIterator[list[int]]:
    """`count` replicas of `serendip run --http` on `db`; yields their ports."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.api_url,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SERENDIP_DB": db,
        "SERENDIP_FETCH_LINKS": "off",
        "SERENDIP_LOG_LEVEL": "WARNING",
    }
    env.pop("SLACK_APP_TOKEN", None)
    migrate = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "migrate", env=env, cwd=ROOT
    )
    await migrate.wait()
    ports = [free_port() for _ in range(count)]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot", "run", "--http", "--no-migrate", "--host", "127.0.0.1"),
            *("--port", str(port)),
            env=env,
            cwd=ROOT,
        )
        for port in ports
    ]
    try:
        for port in ports:
            await wait_up(port, "/slack/events")
        yield ports
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            await asyncio.wait_for(proc.wait(), 30)


async def spread(
    name: str, ports: list[int], requests: list[tuple[bytes, dict[str, str]]], concurrency: int
) -> Run:
    """The stream over every port in turn (a round-robin balancer), acknowledgements timed."""
    runs = await asyncio.gather(
        *(
            blast(name, f"http://127.0.0.1:{port}/slack/events", requests[i :: len(ports)], cc)
            for i, (port, cc) in enumerate(zip(ports, _share(concurrency, len(ports)), strict=True))
        )
    )
    seconds = max(run.seconds for run in runs)
    latencies = [x for run in runs for x in run.latencies]
    return Run(name, len(requests), seconds, latencies, sum(run.failures for run in runs))


def _share(total: int, parts: int) -> list[int]:
    """`total` connections in flight split over `parts` ports."""
    return [total // parts + (i < total % parts) for i in range(parts)]


async def one_row(
    slack: LocalSlack, db: str, count: int, bare_port: int, events: int, concurrency: int
) -> Row:
    """Run the stream against `count` replicas on a fresh database, then against bare Bolt."""
    label = "SQLite" if db == "sqlite" else "PostgreSQL"
    with fresh_db(db, Path(tempfile.mkdtemp(prefix="serendip-bench-"))) as url:
        async with serving(slack, url, count) as ports:
            tag = f"{label[0]}{count}{secrets.token_hex(2)}"
            requests = stream(slack.signing_secret, slack.team_id, tag, events, CHANNELS)
            started = time.perf_counter()
            acked = await spread(label, ports, requests, concurrency)
            await drained(url, events)
            handled = events / (time.perf_counter() - started)
    requests = stream(slack.signing_secret, slack.team_id, f"b{tag}", events, CHANNELS)
    bare = await blast("bare", f"http://127.0.0.1:{bare_port}/slack/events", requests, concurrency)
    return Row(label, count, acked, handled, bare)


async def main(db: str, counts: list[int], events: int, concurrency: int) -> int:
    """Every (database, replica count) row, printed as it comes."""
    async with LocalSlack() as slack:
        for n in range(CHANNELS):
            slack.add_channel(channel_name(n), name=f"bench-{n}", members=[], bot_member=True)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_API_URL": slack.api_url,
            "SLACK_SIGNING_SECRET": slack.signing_secret,
        }
        bare_port = free_port()
        bare = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "bare_bolt.py"), str(bare_port), env=env, cwd=ROOT
        )
        try:
            await wait_up(bare_port, "/slack/events")
            print(f"{events} events per run, concurrency {concurrency}, {os.cpu_count()} CPUs")
            plan = [("sqlite", 1)] + ([(db, n) for n in counts] if db != "sqlite" else [])
            for target, count in plan:
                print_row(await one_row(slack, target, count, bare_port, events, concurrency))
        finally:
            bare.send_signal(signal.SIGTERM)
            await asyncio.wait_for(bare.wait(), 20)
    return 0


def print_row(row: Row) -> None:
    """One result line: acks, handling, the bare baseline beside it."""
    print(
        f"{row.label:>10} x{row.replicas}: acked {row.acked.rate:6.0f}/s"
        f" (p99 {row.acked.pct(0.99):6.1f} ms, non-200 {row.acked.failures}),"
        f" handled {row.handled_rate:6.0f}/s; bare Bolt {row.bare.rate:6.0f}/s;"
        f" ratio acked/bare {row.acked.rate / row.bare.rate:.2f},"
        f" handled/bare {row.handled_rate / row.bare.rate:.2f}",
        flush=True,
    )
