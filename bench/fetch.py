"""Fetch benchmark: does fetching link titles slow acknowledgements down?

Runs the bot in HTTP mode twice against the same steady stream of signed message events
(the first 1,000 carry links to pages served on 127.0.0.1-25 with mixed delays): once with
SERENDIP_FETCH_LINKS=on (the page server allowed through SERENDIP_FETCH_ALLOW, no fetch delay)
and once with it off. Prints fetch throughput and the ack latency p50/p99 of both runs.

    .venv/bin/python bench/fetch.py [--links 1000] [--rate 200] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import CHANNEL, free_port, stream, wait_up  # noqa: E402
from localslack import LocalSlack  # noqa: E402

DELAYS = (0.0, 0.05, 0.3, 1.5)
HOSTS = 25  # pages are spread over 127.0.0.1 … 127.0.0.25: politeness limits each host


async def page_server() -> tuple[web.AppRunner, int]:
    """Pages /p/N with a title, answering after one of DELAYS."""

    async def page(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        await asyncio.sleep(DELAYS[n % len(DELAYS)])
        html = f"<html><head><title>Page {n} about topic {n % 17}</title></head><body>x</body>"
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/p/{n}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    for host in range(1, HOSTS + 1):
        await web.TCPSite(runner, f"127.0.0.{host}", port).start()
    return runner, port


def link_stream(slack: LocalSlack, page_port: int, links: int, total: int, tag: str) -> list:
    """The signed stream, with the first `links` events pointing at the page server."""
    requests = stream(slack.signing_secret, slack.team_id, tag, total)
    out = []
    for i, (body, headers) in enumerate(requests):
        if i < links:
            body = body.replace(
                f"https://bench.example/{tag}/{i}?utm_source=x".encode(),
                f"http://127.0.0.{i % HOSTS + 1}:{page_port}/p/{i}".encode(),
            )
            from slack_sdk.signature import SignatureVerifier

            ts = headers["X-Slack-Request-Timestamp"]
            sig = SignatureVerifier(slack.signing_secret).generate_signature(
                timestamp=ts, body=body
            )
            headers = {**headers, "X-Slack-Signature": sig}
        out.append((body, headers))
    return out


async def steady(url: str, requests: list, rate: int) -> list[float]:
    """Send at `rate` per second, each request on its own; return ack latencies."""
    latencies: list[float] = []
    async with aiohttp.ClientSession() as session:

        async def one(body: bytes, headers: dict[str, str]) -> None:
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
            latencies.append(time.perf_counter() - started)

        tasks = []
        start = time.perf_counter()
        for i, (body, headers) in enumerate(requests):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(body, headers)))
        await asyncio.gather(*tasks)
    return latencies


def fetched(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(
            conn.execute("SELECT count(*) FROM items WHERE fetch_status = 'ok'").fetchone()[0]
        )
    finally:
        conn.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def one_run(
    slack: LocalSlack, page_port: int, fetching: bool, args: argparse.Namespace
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="serendip-fetch-bench-"))
    db, port = folder / "f.db", free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.api_url,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SERENDIP_DB": str(db),
        "SERENDIP_FETCH_LINKS": "on" if fetching else "off",
        "SERENDIP_FETCH_DELAY": "0",
        "SERENDIP_FETCH_ALLOW": f"127.0.0.0/8:{page_port}",
        "SERENDIP_LOG_LEVEL": "WARNING",
    }
    env.pop("SLACK_APP_TOKEN", None)
    run = ("-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", str(port))
    bot = await asyncio.create_subprocess_exec(sys.executable, *run, env=env, cwd=ROOT)
    try:
        await wait_up(port, "/slack/events")
        requests = link_stream(
            slack,
            page_port,
            args.links,
            args.rate * args.seconds,
            f"{int(fetching)}{int(time.time()) % 1000}",
        )
        started = time.perf_counter()
        latencies = await steady(f"http://127.0.0.1:{port}/slack/events", requests, args.rate)
        done = fetched(db)
        while fetching and done < args.links and time.perf_counter() - started < args.tail:
            await asyncio.sleep(0.2)
            done = fetched(db)
        seconds = time.perf_counter() - started
    finally:
        bot.terminate()
        await asyncio.wait_for(bot.wait(), 20)
    label = "fetching on " if fetching else "fetching off"
    extra = (
        f"  fetched {done} pages in {seconds:.1f} s ({done / seconds:.0f}/s)" if fetching else ""
    )
    print(
        f"{label}: {len(latencies)} events, ack p50 {pct(latencies, 0.5):.1f} ms, "
        f"p99 {pct(latencies, 0.99):.1f} ms{extra}"
    )
    return pct(latencies, 0.99)


async def main(args: argparse.Namespace) -> int:
    runner, page_port = await page_server()
    ratios = []
    try:
        async with LocalSlack() as slack:
            slack.add_channel(CHANNEL, name="bench", members=[], bot_member=True)
            for _ in range(args.pairs):  # alternate: the machine is shared and noisy
                on = await one_run(slack, page_port, True, args)
                off = await one_run(slack, page_port, False, args)
                ratios.append(on / off)
    finally:
        await runner.cleanup()
    print(
        f"ack p99 with fetching / without, per pair: {', '.join(f'{r:.2f}' for r in ratios)};"
        f" median {statistics.median(ratios):.2f} (target <= 1.20)"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--tail", type=float, default=60.0, help="seconds to wait for fetches")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
