"""Weekly digest benchmark: compose every digest of a big workspace, then send 10,000 of them.

Part 1 (compute): a synthetic workspace (10,000 people, 300 channels, 1M items over a year, 4M
votes, 20M interaction counts unless `--no-graph`; see bench/digest_data.py and
bench/graph_data.py) is generated into a fresh SQLite file in a child process, so its memory
does not count. Then, as `plan_rows` would, the snapshot is loaded, the due list
built and every due digest composed with one `Composer` (each `compose_one` and `build_digest`
timed). Prints load, compose and total seconds, per-digest p50/p99 and peak memory against the
targets (total < 60 s, peak < 1 GB).

Part 2 (send): a LocalSlack on 127.0.0.1 with 10,000 people and a 3,000 posts/minute limit;
10,000 personal digests are planned in a fresh store's outbox and posted by `Deliverer` with
`Pacer(3000)`. Prints posts/minute against the limit (target >= 90%), 429s, duplicates and
losses. About 200 s at full size.

With `--pg URL`, part 1 runs on that PostgreSQL database: the generated store is copied there
once (`serendip copy-db`; a finished copy is reused) and the store opened on the URL. Part 2
stays on SQLite.

    .venv/bin/python bench/digest.py [--scale 0.1] [--no-graph] [--db PATH]
        [--skip-send | --send-only] [--pg URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import on_postgres  # noqa: E402
from bench.digest_data import TEAM, ZONES, Sizes, ensure_generated, timed_generate  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.digest_models import DigestSnapshot  # noqa: E402
from bot.pacer import Pacer  # noqa: E402
from bot.slack_client import make_client  # noqa: E402
from bot.store import Store  # noqa: E402
from jobs.compose import Composer  # noqa: E402
from jobs.delivery import EVENT_TYPE, Deliverer  # noqa: E402
from jobs.digest_blocks import DigestItem, DigestSection, DigestView, build_digest  # noqa: E402
from jobs.digests import Due, collector_paused, compose_one, due_list, load  # noqa: E402
from jobs.periods import key_expires, week_key  # noqa: E402
from localslack import LocalSlack  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday at the default digest time
SEED = 20260302
TOTAL_TARGET = 60.0  # seconds for load + compose
MEMORY_TARGET = 1024.0  # MB
SEND_RATE = 3000  # posts per minute, for LocalSlack's limit and for the Pacer
RATE_TARGET = 0.9


def peak_mb() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    """The q-quantile of values, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def ensure_db(db: Path, scale: float, seed: int, graph: bool) -> None:
    """Generate the workspace into `db` in a child process, unless the file exists."""
    ensure_generated(__file__, db, scale, seed, graph)


# -- part 1: compute -------------------------------------------------------------------------
@dataclass
class Composing:
    """What composing every due digest took and gave."""

    seconds: float = 0.0
    times: list[float] = field(default_factory=list)
    due: Counter[str] = field(default_factory=Counter)
    full: Counter[str] = field(default_factory=Counter)
    payload_bytes: int = 0


def compose_all(snap: DigestSnapshot, dues: list[Due]) -> Composing:
    """Compose every due digest with one Composer, timing each compose_one + build_digest
    (the total is the sum of those times, without this loop's bookkeeping), with the
    garbage collector paused as `plan_rows` pauses it."""
    out, comp = Composing(), Composer(snap)
    with collector_paused():
        for due in dues:
            begun = time.perf_counter()
            composed = compose_one(comp, due, False)
            payload = build_digest(composed.view) if composed else None
            out.times.append(time.perf_counter() - begun)
            out.due[due.kind] += 1
            if payload is not None:
                out.full[due.kind] += 1
                out.payload_bytes += len(json.dumps(payload))
    out.seconds = sum(out.times)
    return out


async def compute(db: Path | str) -> bool:
    """Load the snapshot, list who is due and compose everything (from the SQLite file, or
    a postgresql:// URL); print the figures."""
    config = load_config({"SLACK_BOT_TOKEN": "xoxb-bench"}, dotenv=None)
    before = peak_mb()
    store = Store(db).open()
    try:
        started = time.perf_counter()
        snap = await load(store, TEAM, NOW)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        dues = due_list(snap, config, NOW, now_mode=True, planned={}, force=False)
        listed = time.perf_counter() - started
        result = compose_all(snap, dues)
        other = await _other_reads(store)
    finally:
        store.close()
    _print_snapshot(snap)
    return _print_compute(loaded, listed, result, before, other)


async def _other_reads(store: Store) -> float:
    """What `plan_team` reads besides the snapshot (not in the total): installed teams, the
    outbox's recent keys and the small snapshot that tells whether anybody is due."""
    started = time.perf_counter()
    await store.installed_teams()
    await store.planned_digests(TEAM, NOW.timestamp())
    await load(store, TEAM, NOW, full=False)
    return time.perf_counter() - started


def _print_snapshot(snap: DigestSnapshot) -> None:
    votes = sum(len(f.public_voters) + len(f.private_votes) for f in snap.items.values())
    edges = sum(len(w) for w in snap.networks.values())
    print(
        f"snapshot: {len(snap.items):,} items in the window ({votes:,} votes on them), "
        f"{len(snap.people):,} active people, {len(snap.channels)} channels, "
        f"{edges:,} network ties"
    )


def _print_compute(
    loaded: float, listed: float, result: Composing, before: float, other: float
) -> bool:
    total = loaded + listed + result.seconds
    peak = peak_mb()
    digests = sum(result.due.values())
    print(f"snapshot load      {loaded:7.2f} s")
    print(f"due list           {listed:7.2f} s")
    print(
        f"compose            {result.seconds:7.2f} s  ({digests:,} digests, "
        f"{result.payload_bytes / max(1, sum(result.full.values())) / 1024:.1f} KB payload each)"
    )
    print(
        f"total              {total:7.2f} s  (target < {TOTAL_TARGET:.0f} s: "
        f"{'ok' if total < TOTAL_TARGET else 'MISSED'})"
    )
    print(
        f"per digest         p50 {pct(result.times, 0.5):.2f} ms, "
        f"p99 {pct(result.times, 0.99):.2f} ms, max {pct(result.times, 1.0):.0f} ms"
    )
    for kind in ("channel", "person"):
        print(f"{kind:>7} digests    {result.due[kind]:,} due, {result.full[kind]:,} non-empty")
    print(
        f"peak memory        {peak:7.0f} MB  ({before:.0f} MB before loading; "
        f"target < {MEMORY_TARGET:.0f} MB: {'ok' if peak < MEMORY_TARGET else 'MISSED'})"
    )
    print(f"(not counted: installed_teams, planned_digests, small snapshot: {other:.2f} s)")
    return total < TOTAL_TARGET and peak < MEMORY_TARGET


# -- part 2: send ----------------------------------------------------------------------------
def add_people(slack: LocalSlack, count: int) -> list[str]:
    """`count` people in the local Slack, spread over ZONES; returns their ids."""
    zones = list(ZONES)
    people = [f"U{n:07d}" for n in range(count)]
    for n, uid in enumerate(people):
        slack.add_user(uid, name=f"person{n}", tz=zones[n % len(zones)])
    return people


def digest_row(team_id: str, person: str, n: int, key: str, expires: float) -> dict[str, Any]:
    """An outbox row as `plan_rows` makes it: a personal digest of seven items."""
    items = [
        DigestItem(
            f"{n:08x}{k:04x}",
            f"Item {k} for person {n}: notes on caching",
            f"https://example{k}.com/{n}/{k}",
            f"U{(n + k + 1) % 9999:07d}",
            k,
            f"useful to {k + 2} people, 1 you work with",
        )
        for k in range(7)
    ]
    view = DigestView(
        f"Your Serendip digest, {key}",
        (
            DigestSection("For you", tuple(items[:5])),
            DigestSection("You might not know you need this", tuple(items[5:])),
        ),
        None,
        ("Your impact: 3 people found what you shared useful (4 votes).",),
    )
    return {
        "team_id": team_id,
        "recipient": person,
        "kind": "person",
        "period_key": key,
        "round": 0,
        "status": "pending",
        "payload": build_digest(view),
        "items": [i.item_id for i in items],
        "credited": [i.sharer for i in items],
        "expires_at": expires,
    }


def posted_outbox_ids(slack: LocalSlack, people: list[str]) -> Counter[int]:
    """How many DMs carry each outbox id in their metadata."""
    seen: Counter[int] = Counter()
    for person in people:
        if slack.ws.dm_id(person) is None:
            continue
        for message in slack.messages(person):
            meta = message.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE:
                seen[int(meta["event_payload"]["outbox_id"])] += 1
    return seen


async def send(scale: float) -> bool:
    """Post `10,000 * scale` planned personal digests through Deliverer; print the figures."""
    count = max(10, round(10_000 * scale))
    async with LocalSlack() as slack:
        slack.deliver_off()  # the bot is not running: record the DM events, deliver nothing
        started = time.perf_counter()
        people = add_people(slack, count)
        print(f"local slack: {count:,} people added in {time.perf_counter() - started:.2f} s")
        slack.set_post_limits(per_minute=SEND_RATE)
        with tempfile.TemporaryDirectory(prefix="serendip-send-") as folder:
            store = Store(Path(folder) / "send.db").open()
            try:
                return await _deliver(slack, store, people)
            finally:
                store.close()


async def _deliver(slack: LocalSlack, store: Store, people: list[str]) -> bool:
    today = datetime.now(UTC)  # delivery drops rows whose period is over by the wall clock
    key, expires = week_key(today), key_expires(week_key(today), ZoneInfo("UTC")).timestamp()
    rows = [digest_row(slack.team_id, person, n, key, expires) for n, person in enumerate(people)]
    await store.plan_digests(rows, time.time())
    client = make_client(slack.bot_token, slack.api_url)
    started = time.perf_counter()
    report = await Deliverer(store, client, Pacer(SEND_RATE)).run(slack.team_id)
    elapsed = time.perf_counter() - started
    outbox = await store.outbox_rows(None, slack.team_id)
    seen = posted_outbox_ids(slack, people)
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    lost = sum(1 for row in outbox if row.status != "sent")
    rate = report.sent / elapsed * 60
    posts = slack.calls_of("chat.postMessage")
    print(
        f"sent {report.sent:,} of {len(rows):,} in {elapsed:.1f} s: {rate:,.0f} posts/minute "
        f"= {rate / SEND_RATE:.1%} of the {SEND_RATE:,} limit (target >= {RATE_TARGET:.0%})"
    )
    print(
        f"429s from local slack {slack.rate_limited_count} (Deliverer counted "
        f"{report.rate_limited}); chat.postMessage calls {len(posts):,}, "
        f"{sum(1 for c in posts if not c.ok)} refused"
    )
    print(
        f"duplicates {duplicates}, losses {lost} (failed {report.failed}, dropped "
        f"{report.dropped}, unknown {report.unknown}), DMs with a digest {len(seen):,}"
    )
    return rate >= RATE_TARGET * SEND_RATE and duplicates == 0 and lost == 0


# -- command line ----------------------------------------------------------------------------
async def main(args: argparse.Namespace) -> int:
    ok = True
    if not args.send_only:
        with tempfile.TemporaryDirectory(prefix="serendip-digest-") as folder:
            db = Path(args.db) if args.db else Path(folder) / "digest.db"
            ensure_db(db, args.scale, args.seed, not args.no_graph)
            if args.pg:
                on_postgres.ensure_copied(db, args.pg)
            ok = await compute(args.pg or db) and ok
    if not args.skip_send:
        ok = await send(args.scale) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="shrink everything, e.g. 0.1")
    parser.add_argument("--db", help="the generated database; generated there if missing")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--no-graph", action="store_true", help="no interaction counts (the workspace before them)"
    )
    parser.add_argument("--pg", metavar="URL", help="part 1 on this PostgreSQL database (a copy)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--skip-send", action="store_true", help="part 1 only")
    which.add_argument("--send-only", action="store_true", help="part 2 only")
    which.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if arguments.generate_only:
        timed_generate(
            Path(arguments.db),
            Sizes.scaled(arguments.scale, not arguments.no_graph),
            NOW.timestamp(),
            arguments.seed,
        )
        raise SystemExit(0)
    raise SystemExit(asyncio.run(main(arguments)))
