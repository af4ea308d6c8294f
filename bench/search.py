"""Search benchmark: /find and expert choice with a million items in the store.

A synthetic store (10,000 people, 300 channels, 1M links, learnings and answered questions over
a year, ~3.5M votes, text from a Zipf vocabulary; see bench/search_data.py) is generated into a
fresh SQLite file in a child process. Then, on one connection as a reader thread has it:

- 200 /find queries (a third single very common words, a third rare words, a third several
  words and quoted phrases), each timed through `bot.store.sql.search.search` with the searcher's
  private channels, and `candidates` (the FTS5 part) timed on its own;
- 200 /ask questions, each timed through `bot.store.sql.experts.choose_for` (`experts.choose`
  as the store calls it), with `evidence` and `score_people` timed on their own;
- for reference, on the most common query word: FTS5 ranking every match (`ORDER BY rank
  LIMIT 20`, which the design avoids), and its newest 400 matches with and without bm25().

Prints p50/p95/p99 latency against the target (p95 < 50 ms for both), hits, the database size
and peak memory. With `--pg URL` the store is copied into that PostgreSQL database (`serendip
copy-db`, once; a finished copy is reused) and the same queries and questions are timed there,
through the PostgreSQL twins on one autocommit connection as a reader has it; the people,
queries and matching counts still come from the SQLite file, and the FTS5 reference is skipped.

    .venv/bin/python bench/search.py [--scale 0.05] [--db PATH] [--queries 200] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import on_postgres  # noqa: E402
from bench.digest_data import ensure_generated  # noqa: E402
from bench.search_data import (  # noqa: E402
    HEAD,
    TEAM,
    Sizes,
    expert_questions,
    search_queries,
    timed_generate,
)
from bot.store.migrations import migrate  # noqa: E402
from bot.store.pg.connect import connect as pg_connect  # noqa: E402
from bot.store.sql.experts import (  # noqa: E402
    ExpertRules,
    choose_for,
    evidence,
    score_people,
)
from bot.store.sql.questions import Question  # noqa: E402
from bot.store.sql.search import candidates, parse_query, scopes_for, search  # noqa: E402
from bot.store.store import connect  # noqa: E402
from bot.store.twins import Backend, twin  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEED = 20260302
TARGET_MS = 50.0  # p95, for /find and for choosing experts
ROUTING_CAP = 3  # questions per person per week
T = TypeVar("T")


def peak_mb() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    """The q-quantile of values (seconds), in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def spread(values: list[float]) -> str:
    """p50/p95/p99/max of values (seconds) in milliseconds."""
    return (
        f"p50 {pct(values, 0.5):6.1f}  p95 {pct(values, 0.95):6.1f}  "
        f"p99 {pct(values, 0.99):6.1f}  max {pct(values, 1.0):6.1f} ms"
    )


def timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    """fn(*args) and the seconds it took."""
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def ensure_db(db: Path, scale: float, seed: int) -> None:
    """Generate the store into `db` in a child process, unless the file exists."""
    ensure_generated(__file__, db, scale, seed)


@dataclass
class People:
    """Who may see which private channel (its sharers, as the store knows them)."""

    everyone: list[str]
    private_of: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    public_channels: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, db: Any) -> People:
        """People, public channels and private-channel members from the database."""
        people = cls([row[0] for row in db.execute("SELECT id FROM users ORDER BY id")])
        rows = db.execute(
            "SELECT DISTINCT user, channel FROM shares WHERE is_private = 1"
            " AND user IS NOT NULL ORDER BY user, channel"
        )
        for user, channel in rows:
            people.private_of.setdefault(user, []).append(channel)
            people.members.setdefault(channel, set()).add(user)
        people.public_channels = [
            row[0] for row in db.execute("SELECT id FROM channels WHERE is_private = 0 ORDER BY id")
        ]
        return people

    def searcher(self, rng: random.Random) -> tuple[str, list[str]]:
        """A person (a quarter of the time one in private channels) and their private
        channels."""
        if self.private_of and rng.random() < 0.25:
            person = rng.choice(sorted(self.private_of))
        else:
            person = rng.choice(self.everyone)
        return person, self.private_of.get(person, [])


@dataclass(frozen=True)
class Floor:
    """The SQL functions timed, as one backend runs them."""

    search: Callable[..., Any]
    candidates: Callable[..., Any]
    choose_for: Callable[..., Any]
    evidence: Callable[..., Any]
    score_people: Callable[..., Any]

    @classmethod
    def of(cls, backend: Backend) -> Floor:
        """SQLite's functions, or their PostgreSQL twins."""
        fns = (search, candidates, choose_for, evidence, score_people)
        return cls(*(twin(fn, backend) for fn in fns))


# -- /find -----------------------------------------------------------------------------------
@dataclass
class Finds:
    """What the /find queries took and found, by query class."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    fts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    hits: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    slowest: list[tuple[float, float, str, int]] = field(default_factory=list)
    private: int = 0

    def all(self, which: dict[str, list[float]]) -> list[float]:
        """Every value of `which`, over the classes."""
        return [v for values in which.values() for v in values]


def run_finds(
    db: Any, floor: Floor, people: People, queries: list[tuple[str, str]], now: float
) -> Finds:
    """Time `search` (and `candidates` on its own) for every query."""
    rng, out = random.Random(SEED), Finds()
    for kind, text in queries:
        query = parse_query(text)
        if query is None:
            continue
        _, private = people.searcher(rng)
        out.private += bool(private)
        hits, seconds = timed(floor.search, db, TEAM, query, private, now)
        _, fts = timed(floor.candidates, db, query, scopes_for(TEAM, private))
        out.times[kind].append(seconds)
        out.fts[kind].append(fts)
        out.hits[kind].append(len(hits))
        out.slowest.append((seconds, fts, text, len(hits)))
    out.slowest.sort(reverse=True)
    return out


def total_matches(db: Any, queries: list[tuple[str, str]]) -> dict[str, list[int]]:
    """How many documents match each query, by class (not timed; slow for common words)."""
    counts: dict[str, int] = {}
    found: dict[str, list[int]] = defaultdict(list)
    for kind, text in queries:
        query = parse_query(text)
        if query is None:
            continue
        if query.match not in counts:
            counts[query.match] = db.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", [query.match]
            ).fetchone()[0]
        found[kind].append(counts[query.match])
    return found


def print_finds(finds: Finds, matches: dict[str, list[int]]) -> bool:
    everything = finds.all(finds.times)
    p95 = pct(everything, 0.95)
    print(
        f"\n/find: {len(everything)} queries through search() ({finds.private} with private "
        f"channels)"
    )
    print(
        f"  all        {spread(everything)}   target p95 < {TARGET_MS:.0f} ms: "
        f"{'ok' if p95 < TARGET_MS else 'MISSED'}"
    )
    for kind, times in finds.times.items():
        hits, total = finds.hits[kind], matches.get(kind, [0])
        print(
            f"  {kind:<10} {spread(times)}   {len(times)} queries, hits shown "
            f"{sum(hits) / len(hits):.0f} avg; matching docs median "
            f"{sorted(total)[len(total) // 2]:,}, max {max(total):,}"
        )
    print(f"  candidates {spread(finds.all(finds.fts))}   (the full-text part of search, alone)")
    print(
        "  slowest:   "
        + "; ".join(
            f"{text!r} {seconds * 1000:.0f} ms (full text {fts * 1000:.0f}, {hits} hits)"
            for seconds, fts, text, hits in finds.slowest[:4]
        )
    )
    return p95 < TARGET_MS


# -- experts ---------------------------------------------------------------------------------
@dataclass
class Choices:
    """What choosing experts took and found."""

    times: list[float] = field(default_factory=list)
    evidence: list[float] = field(default_factory=list)
    scoring: list[float] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    chosen: list[int] = field(default_factory=list)
    slowest: list[tuple[float, float, float, str]] = field(default_factory=list)
    private: int = 0


def question(n: int, asker: str, text: str, channel: str, private: bool, now: float) -> Question:
    """A question as it is when it is routed: posted and open."""
    return Question(
        f"qbench{n:05d}",
        TEAM,
        asker,
        False,
        text,
        "open",
        channel,
        f"{now:.6f}",
        private,
        now - 30,
        now,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )


def run_choices(db: Any, floor: Floor, people: People, texts: list[str], now: float) -> Choices:
    """Time `choose_for` for every question; `evidence` and `score_people` on their own."""
    rng, out = random.Random(SEED + 1), Choices()
    for n, text in enumerate(texts):
        asker, private = people.searcher(rng)
        in_private = bool(private) and rng.random() < 0.5
        channel = rng.choice(private) if in_private else rng.choice(people.public_channels)
        out.private += in_private
        asked = question(n, asker, text, channel, in_private, now)
        rules = ExpertRules(
            frozenset({asker}),
            frozenset(people.members[channel]) if in_private else None,
            ROUTING_CAP,
            now - 7 * 86400,
        )
        chosen, seconds = timed(floor.choose_for, db, asked, rules, 3)
        scopes = scopes_for(TEAM, [channel] if in_private else [])
        query = parse_query(text, any_word=True)
        found, ev = timed(floor.evidence, db, TEAM, query, text, scopes)
        scored, sc = timed(floor.score_people, db, TEAM, found, scopes)
        out.times.append(seconds)
        out.evidence.append(ev)
        out.scoring.append(sc)
        out.items.append(len(found))
        out.people.append(len(scored))
        out.chosen.append(len(chosen))
        out.slowest.append((seconds, ev, sc, text))
    out.slowest.sort(reverse=True)
    return out


def print_choices(choices: Choices) -> bool:
    p95 = pct(choices.times, 0.95)
    count = len(choices.times)
    print(f"\nexperts: {count} questions through choose() ({choices.private} in private channels)")
    print(
        f"  choose     {spread(choices.times)}   target p95 < {TARGET_MS:.0f} ms: "
        f"{'ok' if p95 < TARGET_MS else 'MISSED'}"
    )
    print(f"  evidence   {spread(choices.evidence)}   (matching items: words + topics)")
    print(f"  scoring    {spread(choices.scoring)}   (score_people)")
    print(
        f"  evidence items {sum(choices.items) / count:.0f} avg, people scored "
        f"{sum(choices.people) / count:.0f} avg, questions with 3 experts "
        f"{sum(1 for c in choices.chosen if c == 3)}/{count}"
    )
    print(
        "  slowest:   "
        + "; ".join(
            f"{text[:60]!r} {seconds * 1000:.0f} ms (evidence {ev * 1000:.0f}, scoring "
            f"{sc * 1000:.0f})"
            for seconds, ev, sc, text in choices.slowest[:3]
        )
    )
    return p95 < TARGET_MS


# -- for reference ---------------------------------------------------------------------------
def naive_rank(db: Any, queries: list[tuple[str, str]], matches: dict[str, list[int]]) -> None:
    """For the most common single-word query: FTS5 ranking every match (what the design
    avoids), the newest matches with bm25() as `candidates` reads them, and without it."""
    common = [text for kind, text in queries if kind == "common"]
    singles = list(zip(matches.get("common", []), common, strict=False))
    if not singles:
        return
    count, word = max(singles)
    newest = (
        "SELECT rowid{} FROM search_fts WHERE search_fts MATCH ? AND scope IN (?)"
        " ORDER BY rowid DESC LIMIT 400"
    )
    timings = []
    for sql, args in (
        (
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20",
            [f'"{word}"'],
        ),
        (newest.format(", bm25(search_fts, 4.0, 1.0)"), [f'"{word}"', TEAM]),
        (newest.format(""), [f'"{word}"', TEAM]),
    ):
        _, seconds = timed(lambda s=sql, a=args: db.execute(s, a).fetchall())
        timings.append(seconds * 1000)
    print(
        f"\nreference, {word!r} ({count:,} matching docs): ORDER BY rank LIMIT 20 "
        f"{timings[0]:,.0f} ms (what search() avoids); newest 400 with bm25() "
        f"{timings[1]:.1f} ms, without {timings[2]:.1f} ms"
    )


def describe(db: Any, path: Path) -> None:
    """The machine, versions and the store's size."""
    counts = {
        table: db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        for table in ("items", "votes", "item_terms")
    }
    docs = db.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    items, votes, topic_terms = counts["items"], counts["votes"], counts["item_terms"]
    print(
        f"store: {items:,} items, {docs:,} search documents, ~{votes:,} votes, "
        f"~{topic_terms:,} topic terms; {size / 1e9:.2f} GB at {path}"
    )


def run(path: Path, count: int, seed: int, pg: str | None = None) -> bool:
    """Every measurement on one connection (SQLite's, or PostgreSQL's with `pg`); prints the
    figures; True if both targets hold."""
    before = peak_mb()
    db = connect(str(path))
    migrate(db)
    now = NOW.timestamp()
    target, floor = db, Floor.of("sqlite")
    try:
        describe(db, path)
        people = People.load(db)
        queries = search_queries(db, count, seed)
        texts = expert_questions(count, seed)
        if pg is not None:
            target, floor = pg_connect(pg), Floor.of("postgresql")  # as a reader connects
            print(f"timed on {on_postgres.describe(target)}")
        for word in HEAD[30:40]:  # warm up: first-query costs are not what is measured
            if (query := parse_query(word)) is not None:
                floor.search(target, TEAM, query, [], now)
        finds = run_finds(target, floor, people, queries, now)
        choices = run_choices(target, floor, people, texts, now)
        matches = total_matches(db, queries)
        ok = print_finds(finds, matches) & print_choices(choices)
        if pg is None:
            naive_rank(db, queries, matches)
    finally:
        db.conn.close()
        if target is not db:
            target.close()
    print(f"\npeak memory {peak_mb():.0f} MB ({before:.0f} MB before opening the store)")
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="shrink everything, e.g. 0.05")
    parser.add_argument("--db", help="the generated database; generated there if missing")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--queries", type=int, default=200, help="/find queries, and questions")
    parser.add_argument("--pg", metavar="URL", help="time on this PostgreSQL database (a copy)")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        timed_generate(Path(args.db), Sizes.scaled(args.scale), NOW.timestamp(), args.seed)
        raise SystemExit(0)
    with tempfile.TemporaryDirectory(prefix="serendip-search-") as folder:
        db_path = Path(args.db) if args.db else Path(folder) / "search.db"
        ensure_db(db_path, args.scale, args.seed)
        if args.pg:
            on_postgres.ensure_copied(db_path, args.pg)
        raise SystemExit(0 if run(db_path, args.queries, args.seed, args.pg) else 1)
