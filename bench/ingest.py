"""Ingest benchmark: the bot in HTTP mode against a bare Bolt app, same signed stream.

Runs A (serendip run --http) and B (bench/bare_bolt.py) as separate processes, alternating
A B A B … with the same kind of stream of signed message events with links, and prints
events/s for both, the median A/B ratio over the pairs, ack latency p50/p99, and whether every
event sent to the bot reached its store. All traffic stays on 127.0.0.1.

    .venv/bin/python bench/ingest.py [--events 20000] [--pairs 3] [--concurrency 20]

With `--replicas 1,2,3` (and `--db postgresql://…`, the server to make fresh databases on),
bench/ingest_replicas.py runs instead: acknowledged and handled events/s for each count of
replicas on PostgreSQL and for one process on SQLite, each beside bare Bolt.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psycopg
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localslack import LocalSlack  # noqa: E402

CHANNEL = "C0BENCH"


@dataclass
class Run:
    """One timed pass of the stream against one server."""

    name: str
    events: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def channel_name(n: int) -> str:
    """The bench's n-th channel id."""
    return f"{CHANNEL}{n}" if n else CHANNEL


def stream(
    secret: str, team: str, tag: str, count: int, channels: int = 1
) -> list[tuple[bytes, dict[str, str]]]:
    """Signed Events API deliveries of message events, each with its own link, in turn in
    `channels` channels (CHANNEL, then CHANNEL1, CHANNEL2, …)."""
    verifier, now = SignatureVerifier(secret), int(time.time())
    requests = []
    for i in range(count):
        ts = f"{now - 3600 + i // 1000}.{i % 1000:03d}{tag[-3:]}"
        event = {
            "type": "message",
            "channel": channel_name(i % channels),
            "channel_type": "channel",
            "user": f"U{i % 50:03d}",
            "team": team,
            "ts": ts,
            "event_ts": ts,
            "text": f"worth reading <https://bench.example/{tag}/{i}?utm_source=x>",
        }
        body = json.dumps(
            {
                "token": "t",
                "team_id": team,
                "api_app_id": "ALOCAL",
                "type": "event_callback",
                "event_id": f"Ev{tag}{i:06d}",
                "event_time": now,
                "event": event,
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": verifier.generate_signature(timestamp=str(now), body=body),
        }
        requests.append((body, headers))
    return requests


async def blast(
    name: str, url: str, requests: list[tuple[bytes, dict[str, str]]], concurrency: int
) -> Run:
    """Send every request with `concurrency` in flight; time each acknowledgement."""
    queue: asyncio.Queue[tuple[bytes, dict[str, str]]] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    latencies: list[float] = []
    failures = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        while not queue.empty():
            body, headers = queue.get_nowait()
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                failures += response.status != 200
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Run(name, len(requests), seconds, latencies, failures)


async def wait_up(port: int, path: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(400):
            try:
                async with session.post(f"http://127.0.0.1:{port}{path}", data=b"{}") as r:
                    if r.status in (200, 401, 400, 404):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def backlog(db: str) -> tuple[int, int]:
    """(events not yet handled, shares stored) in the bot's database."""
    left = "SELECT count(*) FROM inbox WHERE done_at IS NULL"
    shares = "SELECT count(*) FROM shares"
    if db.startswith("postgresql"):
        with psycopg.connect(db) as pg:
            return _one(pg.execute(left).fetchone()), _one(pg.execute(shares).fetchone())
    lite = sqlite3.connect(db)
    try:
        return _one(lite.execute(left).fetchone()), _one(lite.execute(shares).fetchone())
    finally:
        lite.close()


def _one(row: tuple[object, ...] | None) -> int:
    return int(row[0]) if row and isinstance(row[0], int) else 0


async def stored_shares(db: Path) -> tuple[int, float]:
    """Shares in the bot's store once its inbox is empty, and how long that took."""
    started = time.perf_counter()
    while True:
        left, shares = backlog(str(db))
        if left == 0:
            return shares, time.perf_counter() - started
        await asyncio.sleep(0.2)


async def main(events: int, pairs: int, concurrency: int) -> int:
    async with LocalSlack() as slack:
        slack.add_channel(CHANNEL, name="bench", members=[], bot_member=True)
        folder = Path(tempfile.mkdtemp(prefix="serendip-bench-"))
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_API_URL": slack.api_url,
            "SLACK_SIGNING_SECRET": slack.signing_secret,
            "SERENDIP_DB": str(folder / "b.db"),
            "SERENDIP_FETCH_LINKS": "off",
            "SERENDIP_LOG_LEVEL": "WARNING",
        }
        env.pop("SLACK_APP_TOKEN", None)
        port_a, port_b = free_port(), free_port()
        run = ("-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", str(port_a))
        bot = await asyncio.create_subprocess_exec(sys.executable, *run, env=env, cwd=ROOT)
        bare_bolt = (str(ROOT / "bench" / "bare_bolt.py"), str(port_b))
        bare = await asyncio.create_subprocess_exec(sys.executable, *bare_bolt, env=env, cwd=ROOT)
        try:
            await wait_up(port_a, "/slack/events")
            await wait_up(port_b, "/slack/events")
            return await _rounds(slack, folder, port_a, port_b, events, pairs, concurrency)
        finally:
            for proc in (bot, bare):
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), 20)


async def _rounds(
    slack: LocalSlack,
    folder: Path,
    port_a: int,
    port_b: int,
    events: int,
    pairs: int,
    concurrency: int,
) -> int:
    runs_a, runs_b, sent = [], [], 0
    print(
        f"{events} events per run, concurrency {concurrency}, {pairs} A/B pairs, "
        f"{os.cpu_count()} CPUs"
    )
    for pair in range(pairs):
        for name, port, runs in (("serendip", port_a, runs_a), ("bare bolt", port_b, runs_b)):
            requests = stream(slack.signing_secret, slack.team_id, f"{pair}{name[0]}", events)
            run = await blast(name, f"http://127.0.0.1:{port}/slack/events", requests, concurrency)
            runs.append(run)
            drained = ""
            if name == "serendip":
                sent += events
                # Let the bot finish handling before the baseline runs beside it.
                stored, drain = await stored_shares(folder / "b.db")
                drained = f"  handled all {stored} stored after {drain:.1f} s more"
            print(
                f"  pair {pair + 1} {name:>9}: {run.rate:8.0f} events/s"
                f"  p50 {run.pct(0.5):6.1f} ms  p99 {run.pct(0.99):6.1f} ms"
                f"  non-200: {run.failures}{drained}"
            )
    ratios = [a.rate / b.rate for a, b in zip(runs_a, runs_b, strict=True)]
    lat = Run("all", 0, 1, [x for r in runs_a for x in r.latencies], 0)
    stored, drain = await stored_shares(folder / "b.db")
    print(
        f"serendip median {statistics.median(r.rate for r in runs_a):.0f} events/s, "
        f"bare bolt median {statistics.median(r.rate for r in runs_b):.0f} events/s"
    )
    print(
        f"median ratio serendip/bare: {statistics.median(ratios):.2f} "
        f"(pairs: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(f"serendip ack latency p50 {lat.pct(0.5):.1f} ms, p99 {lat.pct(0.99):.1f} ms")
    print(
        f"events sent to serendip {sent}, shares stored {stored}: "
        f"{'none lost' if stored == sent else f'{sent - stored} LOST'}"
    )
    return 0 if stored == sent else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a postgresql:// server URL")
    parser.add_argument("--replicas", help="replica counts to compare, e.g. 1,2,3")
    args = parser.parse_args()
    if args.replicas:
        from bench import ingest_replicas

        counts = [int(n) for n in args.replicas.split(",")]
        run = ingest_replicas.main(args.db, counts, args.events, args.concurrency)
        raise SystemExit(asyncio.run(run))
    raise SystemExit(asyncio.run(main(args.events, args.pairs, args.concurrency)))
