"""Import benchmark: `serendip import` of a generated export against a bare sqlite-utils insert.

Generates a current-format export of 1,000,000 messages (at --scale 1.0; see
bench/import_data.py) as a zip under /tmp, imports it into a fresh database with the real
Importer (reading, capture rules, bulk writes, faces, votes and search index), and, in the
same run, inserts the same number of plain rows with sqlite-utils' insert_all into another
fresh database. Each step runs in its own child process, so each peak memory is its own.
Prints messages/s for both, their ratio (target: at least 20%) and the import's peak memory
(target: under 500 MB).

    .venv/bin/python bench/import.py [--scale 1.0] [--dir /tmp/serendip-import-bench] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_data import Shape, plain_rows, write_zip  # noqa: E402

RATIO_TARGET = 0.20
MEMORY_TARGET = 500.0  # MB


def peak_mb() -> float:
    """This process's peak resident memory (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_generate(work: Path, messages: int) -> dict[str, float]:
    """Write the export zip."""
    started = time.perf_counter()
    total = write_zip(work / "export.zip", Shape(messages))
    size = (work / "export.zip").stat().st_size / 2**20
    return {"messages": total, "seconds": time.perf_counter() - started, "zip_mb": size}


def child_import(work: Path, messages: int) -> dict[str, float]:
    """Import the zip into a fresh database, as `serendip import` does."""
    from bot.config import load_config
    from bot.importing.progress import Progress
    from bot.importing.runner import Importer
    from bot.store import Store

    store = Store(work / "import.db").open()
    started = time.perf_counter()
    summary = Importer(
        store, load_config({}, dotenv=None), str(work / "export.zip"), None, Progress(sys.stderr)
    ).run()
    store.close()
    seconds = time.perf_counter() - started
    return {
        "messages": summary.messages,
        "seconds": seconds,
        "items": summary.items,
        "kept": summary.kept,
        "peak_mb": peak_mb(),
        "db_mb": (work / "import.db").stat().st_size / 2**20,
    }


def child_bare(work: Path, messages: int) -> dict[str, float]:
    """sqlite-utils insert_all of plain rows with its defaults (100 rows per batch), and again
    with 1,000 rows per batch, which is faster: both are reported."""
    from sqlite_utils import Database

    found: dict[str, float] = {"messages": messages}
    for name, batch in (("seconds", 100), ("seconds_1000", 1000)):
        db = Database(work / f"bare{batch}.db")
        started = time.perf_counter()
        db["messages"].insert_all(plain_rows(messages), batch_size=batch)
        found[name] = time.perf_counter() - started
        db.close()
    found["peak_mb"] = peak_mb()
    return found


CHILDREN = {"generate": child_generate, "import": child_import, "bare": child_bare}


def run_child(step: str, work: Path, messages: int) -> dict[str, float]:
    """Run one step in a fresh interpreter and read its JSON result."""
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            step,
            "--dir",
            str(work),
            "--messages",
            str(messages),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    """Generate, import, insert bare; print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 messages")
    parser.add_argument("--dir", default="/tmp/serendip-import-bench", help="scratch folder")
    parser.add_argument("--keep", action="store_true", help="keep the export and databases")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--messages", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.dir)
    if args.child:
        print(json.dumps(CHILDREN[args.child](work, int(args.messages))))
        return 0
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    messages = max(1000, int(1_000_000 * args.scale))
    try:
        made = run_child("generate", work, messages)
        print(
            f"export: {made['messages']:,.0f} messages, {made['zip_mb']:.0f} MB zip,"
            f" written in {made['seconds']:.0f} s",
            flush=True,
        )
        imported = run_child("import", work, messages)
        bare = run_child("bare", work, messages)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return report(imported, bare)


def report(imported: dict[str, float], bare: dict[str, float]) -> int:
    """Print the figures; exit 1 when a target is missed."""
    import_rate = imported["messages"] / imported["seconds"]
    bare_rate = bare["messages"] / bare["seconds"]
    ratio = import_rate / bare_rate
    print(
        f"import: {imported['messages']:,.0f} messages in {imported['seconds']:.1f} s ="
        f" {import_rate:,.0f} messages/s; {imported['kept']:,.0f} kept,"
        f" {imported['items']:,.0f} items; database {imported['db_mb']:.0f} MB"
    )
    print(
        f"bare insert_all: {bare['messages']:,.0f} rows in {bare['seconds']:.1f} s ="
        f" {bare_rate:,.0f} rows/s (with batch_size=1000:"
        f" {bare['messages'] / bare['seconds_1000']:,.0f} rows/s,"
        f" ratio {import_rate * bare['seconds_1000'] / bare['messages']:.1%})"
    )
    ok_ratio, ok_memory = ratio >= RATIO_TARGET, imported["peak_mb"] < MEMORY_TARGET
    print(
        f"ratio import/bare: {ratio:.1%} (target >= {RATIO_TARGET:.0%}:"
        f" {'met' if ok_ratio else 'MISSED'})"
    )
    print(
        f"import peak memory: {imported['peak_mb']:.0f} MB (target < {MEMORY_TARGET:.0f} MB:"
        f" {'met' if ok_memory else 'MISSED'})"
    )
    return 0 if ok_ratio and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
