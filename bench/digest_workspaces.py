"""`bench/digest.py --workspaces N`: every digest of a week in N workspaces of one database,
side by side with one workspace of as many people (issue 17).

N workspaces of 200 people each (times `--scale`) are generated into one SQLite file, and one
workspace of N * 200 people into another (each in a child process, so their memory does not
count; bench/workspaces_data.py). Part 1 then runs once on each, each in a fresh child process
(so each has its own peak memory), one after the other: snapshot load, due list and compose of
every workspace the store lists as installed, one workspace after another as `run_digests`
goes. The two are printed side by side with their ratio per digest, from the same run (the
machine's noise is in both).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.digest_data import run_timed
from bench.workspaces_data import PEOPLE_EACH, generate_workspaces

ROWS = (  # figure, label, format
    ("teams", "workspaces", "{:,.0f}"),
    ("people", "active people", "{:,.0f}"),
    ("digests", "digests due", "{:,.0f}"),
    ("nonempty", "non-empty", "{:,.0f}"),
    ("loaded", "snapshot load s", "{:.2f}"),
    ("listed", "due list s", "{:.2f}"),
    ("composed", "compose s", "{:.2f}"),
    ("total", "total s", "{:.2f}"),
    ("per_digest", "per digest ms", "{:.3f}"),
    ("p50", "p50 compose ms", "{:.2f}"),
    ("p99", "p99 compose ms", "{:.2f}"),
    ("other", "other reads s", "{:.2f}"),
    ("per_digest_all", "per digest, all ms", "{:.3f}"),
    ("peak", "peak memory MB", "{:.0f}"),
)


def people_each(scale: float) -> int:
    """People per workspace."""
    return max(10, round(PEOPLE_EACH * scale))


def paths(db: Path) -> tuple[Path, Path]:
    """The N-workspace database at `db`, and the one-workspace one beside it."""
    return db, db.with_name(f"{db.stem}-one{db.suffix or '.db'}")


def generate(args: argparse.Namespace, now: float) -> None:
    """`--generate-only --workspaces K --people P`: K workspaces of P people into `--db`."""
    path, graph = Path(args.db), not args.no_graph
    run_timed(
        path,
        lambda part: generate_workspaces(part, args.workspaces, args.people, now, args.seed, graph),
    )


def ensure(script: str, db: Path, count: int, people: int, args: argparse.Namespace) -> None:
    """Have `script` generate `count` workspaces of `people` into `db` in a child process,
    unless the file exists."""
    if db.exists():
        print(f"reusing {db} (generation skipped)")
        return
    command = [sys.executable, script, "--generate-only", "--db", str(db), "--seed", str(args.seed)]
    command += ["--workspaces", str(count), "--people", str(people)]
    subprocess.run(command + (["--no-graph"] if args.no_graph else []), check=True)


def measure(script: str, db: Path, heading: str) -> dict[str, float]:
    """Part 1 on `db` in a fresh child process (its own peak memory); its figures."""
    print(f"\n== {heading} ({db.name}) ==", flush=True)
    figures = db.with_name(db.name + ".figures.json")
    command = [sys.executable, script, "--db", str(db), "--skip-send", "--figures", str(figures)]
    subprocess.run(command, check=False)  # a missed target still has figures to compare
    found: dict[str, float] = json.loads(figures.read_text())
    figures.unlink()
    digests = max(1.0, found["digests"])
    found["per_digest"] = found["total"] / digests * 1000
    found["per_digest_all"] = (found["total"] + found["other"]) / digests * 1000
    return found


def compare(script: str, folder: Path, args: argparse.Namespace) -> bool:
    """Generate both databases if need be, measure both, print them side by side; True when
    the N workspaces are no worse per digest (time and peak memory) than the one."""
    count, each = args.workspaces, people_each(args.scale)
    many, one = paths(Path(args.db) if args.db else folder / "digest-workspaces.db")
    ensure(script, many, count, each, args)
    ensure(script, one, 1, count * each, args)
    alone = measure(script, one, f"1 workspace of {count * each:,} people")
    several = measure(script, many, f"{count} workspaces of {each:,} people")
    return print_side_by_side(several, alone, f"{count} x {each:,}", f"1 x {count * each:,}")


def print_side_by_side(
    several: dict[str, float], alone: dict[str, float], left: str, right: str
) -> bool:
    """The two runs' figures in columns, with their ratio; the verdict."""
    print(f"\n{'':<20}{left:>14}{right:>14}{'ratio':>8}")
    for key, label, form in ROWS:
        ratio = several[key] / alone[key] if alone[key] else float("nan")
        cells = f"{form.format(several[key]):>14}{form.format(alone[key]):>14}"
        print(f"{label:<20}{cells}{ratio:>8.2f}")
    time_ratio = several["per_digest"] / alone["per_digest"]
    memory_ratio = several["peak"] / alone["peak"]
    ok = time_ratio <= 1.0 and memory_ratio <= 1.0
    print(
        f"per digest {time_ratio:.2f}x the time and {memory_ratio:.2f}x the peak memory of one "
        f"workspace (target: no worse, <= 1.00: {'ok' if ok else 'MISSED'})"
    )
    return ok
