"""Weekly digest benchmark: compose every digest of a big workspace, then send 10,000 of them.

Part 1 (compute): a synthetic workspace (10,000 people, 300 channels, 1M items over a year, 4M
votes, 20M interaction counts unless `--no-graph`; see bench/digest_data.py and
bench/graph_data.py) is generated into a fresh SQLite file in a child process, so its memory
does not count. Then, as `plan_rows` would, the snapshot is loaded, the due list
built and every due digest composed with one `Composer` (each `compose_one` and `build_digest`
timed), in every workspace the store lists as installed. Prints load, compose and total
seconds, per-digest p50/p99 and peak memory against the targets (total < 60 s, peak < 1 GB).

Part 2 (send): a LocalSlack on 127.0.0.1 with 10,000 people and a 3,000 posts/minute limit;
10,000 personal digests are planned in a fresh store's outbox and posted by `Deliverer` with
`Pacer(3000)` (bench/digest_send.py). Prints posts/minute against the limit (target >= 90%),
429s, duplicates and losses. About 200 s at full size.

With `--workspaces N` (issue 17), part 1 runs on N workspaces of 200 people each in one
database and, in the same run, on one workspace of as many people, and prints the two side by
side (bench/digest_workspaces.py); part 2 posts to N workspaces of the local Slack, each with
its own bot token.

With `--pg URL`, part 1 runs on that PostgreSQL database: the generated store is copied there
once (`serendip copy-db`; a finished copy is reused) and the store opened on the URL. Part 2
stays on SQLite.

    .venv/bin/python bench/digest.py [--scale 0.1] [--no-graph] [--db PATH]
        [--skip-send | --send-only] [--pg URL | --workspaces N]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import digest_workspaces, on_postgres  # noqa: E402
from bench.digest_data import Sizes, ensure_generated, timed_generate  # noqa: E402
from bench.digest_send import send  # noqa: E402
from bot.config import Config, load_config  # noqa: E402
from bot.digest_models import DigestSnapshot  # noqa: E402
from bot.store import Store  # noqa: E402
from jobs.compose import Composer  # noqa: E402
from jobs.digest_blocks import build_digest  # noqa: E402
from jobs.digests import Due, collector_paused, compose_one, due_list, load  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday at the default digest time
SEED = 20260302
TOTAL_TARGET = 60.0  # seconds for load + compose
MEMORY_TARGET = 1024.0  # MB


def peak_mb() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    """The q-quantile of values, in milliseconds (0 for none)."""
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def ensure_db(db: Path, scale: float, seed: int, graph: bool) -> None:
    """Generate the workspace into `db` in a child process, unless the file exists."""
    ensure_generated(__file__, db, scale, seed, graph)


# -- part 1: compute -------------------------------------------------------------------------
@dataclass
class Composing:
    """What loading, listing and composing every due digest of every workspace took and gave."""

    teams: int = 0
    loaded: float = 0.0
    listed: float = 0.0
    seconds: float = 0.0
    other: float = 0.0  # plan_team's other reads, not in the total
    times: list[float] = field(default_factory=list)
    due: Counter[str] = field(default_factory=Counter)
    full: Counter[str] = field(default_factory=Counter)
    payload_bytes: int = 0
    seen: Counter[str] = field(default_factory=Counter)  # what the snapshots held

    @property
    def total(self) -> float:
        """Load, list and compose, in seconds."""
        return self.loaded + self.listed + self.seconds


def compose_all(snap: DigestSnapshot, dues: list[Due], out: Composing) -> None:
    """Compose every due digest with one Composer, timing each compose_one + build_digest
    (the total is the sum of those times, without this loop's bookkeeping), with the
    garbage collector paused as `plan_rows` pauses it."""
    comp, times = Composer(snap), list[float]()
    with collector_paused():
        for due in dues:
            begun = time.perf_counter()
            composed = compose_one(comp, due, False)
            payload = build_digest(composed.view) if composed else None
            times.append(time.perf_counter() - begun)
            out.due[due.kind] += 1
            if payload is not None:
                out.full[due.kind] += 1
                out.payload_bytes += len(json.dumps(payload))
    out.times += times
    out.seconds += sum(times)


async def compute(db: Path | str, figures: Path | None = None) -> bool:
    """Load the snapshot, list who is due and compose everything, in every installed workspace
    one after another as `run_digests` goes (from the SQLite file, or a postgresql:// URL);
    print the figures (and write them to `figures` as JSON)."""
    config = load_config({"SLACK_BOT_TOKEN": "xoxb-bench"}, dotenv=None)
    before, out = peak_mb(), Composing()
    store = Store(db).open()
    try:
        started = time.perf_counter()
        teams = await store.installed_teams()
        out.other += time.perf_counter() - started
        for team in teams:
            await compose_team(store, config, team, out)
    finally:
        store.close()
    _print_snapshot(out)
    ok = _print_compute(out, before)
    if figures is not None:
        await asyncio.to_thread(figures.write_text, json.dumps(figures_of(out, before)))
    return ok


async def compose_team(store: Store, config: Config, team: str, out: Composing) -> None:
    """One workspace's part of `compute` (its snapshot is dropped on return, as in plan_team)."""
    started = time.perf_counter()
    snap = await load(store, team, NOW)
    out.loaded += time.perf_counter() - started
    started = time.perf_counter()
    dues = due_list(snap, config, NOW, now_mode=True, planned={}, force=False)
    out.listed += time.perf_counter() - started
    compose_all(snap, dues, out)
    out.other += await _other_reads(store, team)
    out.teams += 1
    out.seen.update(
        items=len(snap.items),
        votes=sum(len(f.public_voters) + len(f.private_votes) for f in snap.items.values()),
        people=len(snap.people),
        channels=len(snap.channels),
        ties=sum(len(w) for w in snap.networks.values()),
    )


async def _other_reads(store: Store, team: str) -> float:
    """What `plan_team` reads besides the snapshot (not in the total): the outbox's recent
    keys and the small snapshot that tells whether anybody is due (and, once per run, the
    installed teams)."""
    started = time.perf_counter()
    await store.planned_digests(team, NOW.timestamp())
    await load(store, team, NOW, full=False)
    return time.perf_counter() - started


def figures_of(out: Composing, before: float) -> dict[str, float]:
    """The figures `--workspaces` puts side by side."""
    return {
        "teams": out.teams,
        "people": out.seen["people"],
        "digests": sum(out.due.values()),
        "nonempty": sum(out.full.values()),
        "loaded": out.loaded,
        "listed": out.listed,
        "composed": out.seconds,
        "total": out.total,
        "other": out.other,
        "p50": pct(out.times, 0.5),
        "p99": pct(out.times, 0.99),
        "before": before,
        "peak": peak_mb(),
    }


def _print_snapshot(out: Composing) -> None:
    seen, many = out.seen, f" in {out.teams} workspaces" if out.teams != 1 else ""
    print(
        f"snapshot{many}: {seen['items']:,} items in the window ({seen['votes']:,} votes on "
        f"them), {seen['people']:,} active people, {seen['channels']} channels, "
        f"{seen['ties']:,} network ties"
    )


def _print_compute(out: Composing, before: float) -> bool:
    peak = peak_mb()
    digests = sum(out.due.values())
    print(f"snapshot load      {out.loaded:7.2f} s")
    print(f"due list           {out.listed:7.2f} s")
    print(
        f"compose            {out.seconds:7.2f} s  ({digests:,} digests, "
        f"{out.payload_bytes / max(1, sum(out.full.values())) / 1024:.1f} KB payload each)"
    )
    print(
        f"total              {out.total:7.2f} s  (target < {TOTAL_TARGET:.0f} s: "
        f"{'ok' if out.total < TOTAL_TARGET else 'MISSED'})"
    )
    print(
        f"per digest         p50 {pct(out.times, 0.5):.2f} ms, "
        f"p99 {pct(out.times, 0.99):.2f} ms, max {pct(out.times, 1.0):.0f} ms"
    )
    for kind in ("channel", "person"):
        print(f"{kind:>7} digests    {out.due[kind]:,} due, {out.full[kind]:,} non-empty")
    print(
        f"peak memory        {peak:7.0f} MB  ({before:.0f} MB before loading; "
        f"target < {MEMORY_TARGET:.0f} MB: {'ok' if peak < MEMORY_TARGET else 'MISSED'})"
    )
    print(f"(not counted: installed_teams, planned_digests, small snapshot: {out.other:.2f} s)")
    return out.total < TOTAL_TARGET and peak < MEMORY_TARGET


# -- command line ----------------------------------------------------------------------------
async def main(args: argparse.Namespace) -> int:
    ok = True
    if not args.send_only:
        with tempfile.TemporaryDirectory(prefix="serendip-digest-") as folder:
            ok = await _part_one(args, Path(folder))
    if not args.skip_send:
        ok = await send(args.scale, args.workspaces) and ok
    return 0 if ok else 1


async def _part_one(args: argparse.Namespace, folder: Path) -> bool:
    if args.workspaces:
        return digest_workspaces.compare(__file__, folder, args)
    db = Path(args.db) if args.db else folder / "digest.db"
    ensure_db(db, args.scale, args.seed, not args.no_graph)
    if args.pg:
        on_postgres.ensure_copied(db, args.pg)
    return await compute(args.pg or db, Path(args.figures) if args.figures else None)


def _generate(args: argparse.Namespace) -> None:
    if args.workspaces:
        digest_workspaces.generate(args, NOW.timestamp())
        return
    sizes = Sizes.scaled(args.scale, not args.no_graph)
    timed_generate(Path(args.db), sizes, NOW.timestamp(), args.seed)


def parser() -> argparse.ArgumentParser:
    """The command line."""
    found = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    found.add_argument("--scale", type=float, default=1.0, help="shrink everything, e.g. 0.1")
    found.add_argument("--db", help="the generated database; generated there if missing")
    found.add_argument("--seed", type=int, default=SEED)
    found.add_argument(
        "--no-graph", action="store_true", help="no interaction counts (the workspace before them)"
    )
    where = found.add_mutually_exclusive_group()
    where.add_argument("--pg", metavar="URL", help="part 1 on this PostgreSQL database (a copy)")
    where.add_argument(
        "--workspaces",
        type=int,
        metavar="N",
        help="N workspaces of 200 people (times --scale) in one database, beside one workspace"
        " of as many people; --db names the first, the second is beside it (NAME-one.db)",
    )
    which = found.add_mutually_exclusive_group()
    which.add_argument("--skip-send", action="store_true", help="part 1 only")
    which.add_argument("--send-only", action="store_true", help="part 2 only")
    which.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    found.add_argument("--people", type=int, help=argparse.SUPPRESS)  # per workspace, generating
    found.add_argument("--figures", help=argparse.SUPPRESS)  # part 1's figures, as JSON, here
    return found


if __name__ == "__main__":
    arguments = parser().parse_args()
    logging.basicConfig(level=logging.WARNING)
    if arguments.generate_only:
        _generate(arguments)
        raise SystemExit(0)
    raise SystemExit(asyncio.run(main(arguments)))
