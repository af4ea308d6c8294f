"""A synthetic workspace for bench/digest.py, bulk-inserted straight into a Serendip database.

People belong to 3-6 channels (a few channels are huge, most are small); a year of items is
shared with a growing daily rate, mostly as links over ~2,000 domains; ~10% of items are
re-shared by someone else (a third of those as thread replies); votes go to popular and recent
items (Pareto popularity times a recency boost), are given by members of the channel where
the item was shared, a few hours after it, never by its sharers. A few percent of people have
been quiet for the last 28 days. The previous week's digests are already in the outbox, so
"already sent" and "first digest" both show up. Everything follows one random seed.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from bench.graph_data import INSERT as INTERACTIONS
from bench.graph_data import interaction_rows
from bot.store import Store
from jobs.periods import week_key

TEAM = "T0BENCH"
DAY = 86400.0
ACTIVE_DAYS = 28
GROWTH = 3.0  # the daily share rate now, over the rate a year ago
ZONES = {
    "America/New_York": 28,
    "America/Los_Angeles": 18,
    "America/Sao_Paulo": 6,
    "Europe/London": 14,
    "Europe/Berlin": 14,
    "Asia/Kolkata": 10,
    "Asia/Tokyo": 5,
    "Australia/Sydney": 5,
}
_WORDS = (
    "data cloud python rust kubernetes design security testing hiring onboarding product "
    "pricing growth sales support docs api graphql postgres sqlite cache latency queue kafka "
    "react css typescript mobile android ios accessibility research ux metrics dashboards "
    "observability tracing logging incidents oncall reliability cost finance legal privacy "
    "gdpr ml llm embeddings search ranking recsys experiments ab statistics leadership "
    "management feedback career remote meetings writing strategy roadmap planning okr"
)
WORDS = tuple(_WORDS.split())
TLDS = ("com", "io", "org", "dev", "net", "co")
CHUNK = 200_000
CHANNEL_ZIPF = 1.1  # channel popularity ~ 1 / rank^s
DOMAIN_ZIPF = 1.0
VOTE_PARETO = 1.4  # item popularity; smaller is a heavier tail
VOTE_CAP = 1500
RECENCY_DAYS = 30.0  # votes favour items younger than this
Share = tuple[int, float, int, float | None]  # channel, time, person, thread parent's time


@dataclass(frozen=True)
class Sizes:
    """How big the synthetic workspace is."""

    people: int
    channels: int
    items: int
    votes: int
    interactions: int = 0  # rows of the interaction graph (bench/graph_data.py)

    @classmethod
    def scaled(cls, scale: float, graph: bool = True) -> Sizes:
        """10,000 people, 300 channels, 1M items, 4M votes and (with `graph`) 20M interaction
        counts, times `scale`."""
        return cls(
            max(50, round(10_000 * scale)),
            max(12, round(300 * scale)),
            round(1_000_000 * scale),
            round(4_000_000 * scale),
            round(20_000_000 * scale) if graph else 0,
        )

    @classmethod
    def of_people(cls, people: int, graph: bool = True) -> Sizes:
        """A workspace of exactly `people`, everything else in the proportions of 10,000
        people (at least 12 channels): `of_people(10_000)` is `scaled(1.0)`."""
        ratio = people / 10_000
        return cls(
            people,
            max(12, round(300 * ratio)),
            round(1_000_000 * ratio),
            round(4_000_000 * ratio),
            round(20_000_000 * ratio) if graph else 0,
        )


@dataclass
class World:
    """People and channels as small integers, with who is where."""

    rng: random.Random
    now: float
    people: list[str]
    channels: list[str]
    private: list[bool]
    members: list[list[int]]  # channel -> people
    joined: list[list[int]]  # person -> channels
    joined_cum: list[list[float]]  # person -> cumulative channel weights
    dormant: list[bool]  # nothing shared or voted in the last ACTIVE_DAYS
    team: str = TEAM
    first: int = 0  # the number of its first person (ids stay unique across workspaces)

    def dm(self, person: int) -> str:
        """The id of a person's DM with the bot."""
        return f"D{self.first + person:09d}"


@dataclass
class Items:
    """A year of items, oldest first, with the re-shares of some."""

    ids: list[str] = field(default_factory=list)
    at: list[float] = field(default_factory=list)
    sharer: list[int] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)
    extra: dict[int, list[Share]] = field(default_factory=dict)


def zipf_weights(count: int, s: float) -> list[float]:
    """1 / rank^s for ranks 1..count."""
    return [1.0 / (rank**s) for rank in range(1, count + 1)]


def make_world(
    sizes: Sizes, now: float, seed: int, team: str = TEAM, first: tuple[int, int] = (0, 0)
) -> World:
    """People, channels (a few private) and memberships skewed towards big channels, in
    `team`; `first` numbers its first person and channel (ids are unique across workspaces,
    as Slack's are)."""
    rng = random.Random(seed)
    people = [f"U{first[0] + n:07d}" for n in range(sizes.people)]
    private = [rng.random() < 0.05 and n > 2 for n in range(sizes.channels)]
    channels = [f"{'G' if p else 'C'}{first[1] + n:07d}" for n, p in enumerate(private)]
    popularity = zipf_weights(sizes.channels, CHANNEL_ZIPF)
    cum = list(accumulate(popularity))
    members: list[list[int]] = [[] for _ in channels]
    joined: list[list[int]] = []
    for person in range(sizes.people):
        mine: set[int] = {0}  # everyone is in #general
        want = rng.randint(3, 6)
        while len(mine) < want:
            mine.add(rng.choices(range(sizes.channels), cum_weights=cum)[0])
        joined.append(sorted(mine))
        for ch in mine:
            members[ch].append(person)
    joined_cum = [list(accumulate(popularity[c] if c else 0.3 for c in mine)) for mine in joined]
    dormant = [rng.random() < 0.03 for _ in people]
    return World(
        rng, now, people, channels, private, members, joined, joined_cum, dormant, team, first[0]
    )


def item_times(rng: random.Random, count: int, now: float) -> list[float]:
    """Share times over the year before `now`, the daily rate growing GROWTH-fold."""
    start, span, log_g = now - 365 * DAY, 365 * DAY, math.log(GROWTH)
    times = [start + span * math.log1p(rng.random() * (GROWTH - 1)) / log_g for _ in range(count)]
    times.sort()
    return [min(t, now - 1.0) for t in times]


def pick_person(world: World, cum: Sequence[float], at: float, avoid: int = -1) -> int:
    """A person by activity weight, active lately if `at` is recent, not `avoid`."""
    recent = at >= world.now - ACTIVE_DAYS * DAY
    while True:
        person = world.rng.choices(range(len(world.people)), cum_weights=cum)[0]
        if person != avoid and not (recent and world.dormant[person]):
            return person


def make_items(world: World, count: int) -> Items:
    """Items with their first share (sharer, channel, time) and re-shares by others."""
    rng, items = world.rng, Items()
    activity = list(accumulate(rng.paretovariate(1.2) for _ in world.people))
    for n, at in enumerate(item_times(rng, count, world.now)):
        person = pick_person(world, activity, at)
        items.ids.append(f"{int(at * 1000):011x}{rng.getrandbits(32):08x}")
        items.at.append(at + n * 1e-9)
        items.sharer.append(person)
        items.channel.append(_channel_of(world, person))
        if rng.random() < 0.10:
            items.extra[n] = _reshares(world, activity, n, at, person, items.channel[-1])
    return items


def _channel_of(world: World, person: int) -> int:
    return world.rng.choices(world.joined[person], cum_weights=world.joined_cum[person])[0]


def _reshares(
    world: World, activity: Sequence[float], n: int, at: float, sharer: int, first_channel: int
) -> list[Share]:
    rng, found = world.rng, list[Share]()
    for _ in range(1 if rng.random() < 0.85 else 2):
        later = min(at + rng.expovariate(1 / (2 * DAY)), world.now - rng.uniform(1, 3600))
        person = pick_person(world, activity, later, avoid=sharer)
        if rng.random() < 0.33 and first_channel in world.joined[person]:
            found.append((first_channel, later, person, at))  # a thread reply with the link
        else:
            found.append((_channel_of(world, person), later, person, None))
    return found


def spread(weights: list[float], total: int, caps: list[int], rng: random.Random) -> list[int]:
    """Integer counts proportional to weights, summing to about `total`, each within its cap."""
    counts = [0] * len(weights)
    free = [i for i in range(len(weights)) if caps[i] > 0]
    left = total
    for _ in range(6):  # a capped item's surplus goes to the others
        mass = sum(weights[i] for i in free)
        if left <= 0 or mass <= 0:
            break
        factor, still = left / mass, list[int]()
        for i in free:
            want = weights[i] * factor
            whole = int(want) + (rng.random() < want - int(want))
            counts[i] = min(caps[i], counts[i] + whole)
            (still if counts[i] < caps[i] else []).append(i)
        left, free = total - sum(counts), still
    return counts


def vote_counts(world: World, items: Items, total: int) -> list[int]:
    """Votes per item: Pareto popularity times a boost for recent items."""
    rng, caps, weights = world.rng, [], []
    for n, at in enumerate(items.at):
        age = (world.now - at) / DAY
        weights.append(rng.paretovariate(VOTE_PARETO) * (0.25 + math.exp(-age / RECENCY_DAYS)))
        shares = [items.channel[n], *(c for c, *_ in items.extra.get(n, ()))]
        audience = sum(len(world.members[c]) for c in set(shares))
        caps.append(min(VOTE_CAP, int(audience * 0.8)))
    return spread(weights, total, caps, rng)


def share_rows(world: World, items: Items) -> Iterator[tuple[Any, ...]]:
    """Rows of `shares`: the first share of every item, then the re-shares."""
    for n, item_id in enumerate(items.ids):
        for channel, at, person, thread in _shares_of(items, n):
            ts, root = f"{at:.6f}", None if thread is None else f"{thread:.6f}"
            yield (
                world.team,
                item_id,
                world.channels[channel],
                ts,
                at,
                world.people[person],
                f"worth a look <{n}>",
                root,
                int(world.private[channel]),
                "message",
            )


def _shares_of(items: Items, n: int) -> list[Share]:
    return [(items.channel[n], items.at[n], items.sharer[n], None), *items.extra.get(n, ())]


def vote_rows(world: World, items: Items, counts: list[int]) -> Iterator[tuple[Any, ...]]:
    """Rows of `votes`: by channel members, a few hours after the share, not by sharers."""
    rng, everyone = world.rng, len(world.people)
    for n, count in enumerate(counts):
        if not count:
            continue
        shares = _shares_of(items, n)
        sharers = {s[2] for s in shares}
        seen: set[tuple[int, int]] = set()
        for _ in range(count):
            k = 0 if len(shares) == 1 or rng.random() < 0.8 else rng.randrange(1, len(shares))
            channel, shared_at, _, _ = shares[k]
            at = min(shared_at + rng.expovariate(1 / (4 * 3600)), world.now - rng.random() * 60)
            voter = _voter(world, world.members[channel], everyone, at, sharers, seen, k)
            if voter is not None:
                via = f"m:{world.channels[channel]}:{shared_at:.6f}"
                yield (
                    world.team,
                    items.ids[n],
                    world.people[voter],
                    via,
                    int(world.private[channel]),
                    at,
                )


def _voter(
    world: World,
    pool: list[int],
    everyone: int,
    at: float,
    sharers: set[int],
    seen: set[tuple[int, int]],
    share: int,
) -> int | None:
    recent = at >= world.now - ACTIVE_DAYS * DAY
    for attempt in range(40):
        voter = (
            pool[int(world.rng.random() * len(pool))]
            if attempt < 30
            else world.rng.randrange(everyone)
        )
        if voter in sharers or (voter, share) in seen or (recent and world.dormant[voter]):
            continue
        seen.add((voter, share))
        return voter
    return None


def domains(rng: random.Random, count: int) -> list[str]:
    """`count` distinct made-up domains, most popular first."""
    found: dict[str, None] = {}
    while len(found) < count:
        a, b = rng.sample(WORDS, 2)
        found[f"{a}{b}.{rng.choice(TLDS)}" if rng.random() < 0.8 else f"blog.{a}-{b}.com"] = None
    return list(found)


def item_rows(world: World, items: Items) -> Iterator[tuple[Any, ...]]:
    """Rows of `items`: mostly links (Zipf over domains), some learnings; 1-3 topics each."""
    rng, team = world.rng, world.team
    sites = domains(rng, 2000)
    site_cum = list(accumulate(zipf_weights(len(sites), DOMAIN_ZIPF)))
    word_cum = list(accumulate(zipf_weights(len(WORDS), 0.8)))
    for n, item_id in enumerate(items.ids):
        topics = sorted(set(rng.choices(WORDS, cum_weights=word_cum, k=rng.randint(1, 3))))
        created = f"{items.at[n]:.6f}"
        if rng.random() < 0.05:
            key = f"learning:{world.channels[items.channel[n]]}:{created}"
            text = f"TIL how {' and '.join(topics)} fit together (note {n})"
            yield item_id, team, key, "learning", None, None, text, created, json.dumps(topics)
            continue
        site = rng.choices(sites, cum_weights=site_cum)[0]
        url = f"https://{site}/{'-'.join(topics)}/{n}"
        title = f"{topics[0].title()} in practice: {' '.join(rng.sample(WORDS, 4))} ({n})"
        yield item_id, team, f"link:{url}", "link", url, title, None, created, json.dumps(topics)


def people_rows(world: World) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of `users` (time zones from ZONES) and `person_settings` (a few daily/off)."""
    rng = world.rng
    zones = rng.choices(list(ZONES), weights=list(ZONES.values()), k=len(world.people))
    users, settings = [], []
    for n, uid in enumerate(world.people):
        users.append((world.team, uid, f"person{n}", f"Person {n}", zones[n], world.now))
        roll = rng.random()
        if roll < 0.06:
            cadence = "daily" if roll < 0.04 else "off"
            settings.append((world.team, uid, int(roll < 0.005), cadence))
    return users, settings


def history_rows(world: World, items: Items, counts: list[int]) -> dict[str, list[Any]]:
    """Last week's digests: outbox rows, their items in `digest_sent`, learned DM ids."""
    rng, before = world.rng, datetime.fromtimestamp(world.now, UTC) - timedelta(days=7)
    key, at = week_key(before), world.now - 7 * DAY
    week = [
        n
        for n, t in enumerate(items.at)
        if at - 7 * DAY <= t < at and not world.private[items.channel[n]]
    ]
    best = sorted(week, key=lambda n: -counts[n])[:200] or [0]
    rows: dict[str, list[Any]] = {"outbox": [], "digest_sent": [], "dm_channels": []}
    for person, uid in enumerate(world.people):
        if world.dormant[person] or rng.random() < 0.1:
            continue
        chosen = {items.ids[n] for n in rng.sample(best, min(7, len(best)))}
        dm = world.dm(person)
        rows["dm_channels"].append((world.team, uid, dm))
        _sent_digest(rows, (world.team, uid, "person", key, dm), at, chosen)
    by_channel: dict[int, list[int]] = {}
    for n in week:
        by_channel.setdefault(items.channel[n], []).append(n)
    for ch, found in by_channel.items():
        chosen = {items.ids[n] for n in sorted(found, key=lambda n: -counts[n])[:7]}
        cid = world.channels[ch]
        _sent_digest(rows, (world.team, cid, "channel", key, cid), at, chosen)
    return rows


def _sent_digest(
    rows: dict[str, list[Any]], head: tuple[str, str, str, str, str], at: float, chosen: set[str]
) -> None:
    """One digest sent at `at` (team, recipient, kind, period key, channel): its outbox row,
    and its items in `digest_sent` (sorted: the same rows in the same order every run)."""
    team, recipient, kind, key, channel = head
    ids = sorted(chosen)
    rows["outbox"].append(
        (team, recipient, kind, key, "sent", channel, f"{at:.6f}", json.dumps(ids), at)
    )
    rows["digest_sent"] += [(team, recipient, item, at) for item in ids]


FATIGUE_WEEKS = 17  # more than digest fatigue's 120-day look-back


def fatigue_history_rows(world: World) -> dict[str, list[Any]]:
    """The weekly digests before last week's (so fatigue's query has months of outbox to skip
    past), and presses on some of them: about a third of people pressed one in the last month."""
    rng = random.Random(world.now + world.first)
    rows: dict[str, list[Any]] = {"outbox": [], "digest_clicks": []}
    for weeks in range(2, FATIGUE_WEEKS + 1):
        at = world.now - weeks * 7 * DAY
        key = week_key(datetime.fromtimestamp(at, UTC))
        for person, uid in enumerate(world.people):
            if not world.dormant[person] and person % 10 != weeks % 10:
                dm = world.dm(person)
                rows["outbox"].append(
                    (world.team, uid, "person", key, "sent", dm, f"{at:.6f}", "[]", at)
                )
    for uid in world.people:
        if rng.random() < 0.33:
            rows["digest_clicks"].append(
                (world.team, uid, None, "useful", world.now - rng.random() * 28 * DAY)
            )
    return rows


INSERTS = {
    "users": "INSERT INTO users (team_id, id, name, real_name, tz, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "person_settings": "INSERT INTO person_settings (team_id, user_id, opted_out, digest)"
    " VALUES (?, ?, ?, ?)",
    "channels": "INSERT INTO channels (team_id, id, name, is_private, is_member, updated_at)"
    " VALUES (?, ?, ?, ?, 1, ?)",
    "items": "INSERT INTO items (id, team_id, key, kind, url, title, text, created_ts, topics)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "shares": "INSERT INTO shares (team_id, item_id, channel, ts, at, user, text, thread_ts,"
    " is_private, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "votes": "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "outbox": "INSERT INTO outbox (team_id, recipient, kind, period_key, round, status, channel,"
    " ts, items, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?9, ?9)",
    "digest_sent": "INSERT INTO digest_sent (team_id, recipient, item_id, at) VALUES (?, ?, ?, ?)",
    "dm_channels": "INSERT INTO dm_channels (team_id, user_id, channel) VALUES (?, ?, ?)",
    "digest_clicks": "INSERT INTO digest_clicks (team_id, user_id, item_id, action, at)"
    " VALUES (?, ?, ?, ?, ?)",
    "interactions": INTERACTIONS,
}


def insert(conn: sqlite3.Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows with executemany, one transaction per CHUNK rows; returns the count."""
    total, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            total += _flush(conn, table, chunk)
            chunk = []
    return total + _flush(conn, table, chunk)


def _flush(conn: sqlite3.Connection, table: str, chunk: list[tuple[Any, ...]]) -> int:
    with conn:
        conn.executemany(INSERTS[table], chunk)
    return len(chunk)


def generate(path: Path, sizes: Sizes, now: float, seed: int) -> dict[str, int]:
    """Create the schema through `Store`, then bulk-insert the workspace; rows per table."""
    Store(path).open().close()  # migrates the fresh file
    conn = bulk_connection(path)
    written = fill(conn, make_world(sizes, now, seed), sizes, seed)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return written


def bulk_connection(path: Path) -> sqlite3.Connection:
    """A connection for bulk inserts into a migrated store (nothing reads it meanwhile)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    return conn


def fill(conn: sqlite3.Connection, world: World, sizes: Sizes, seed: int) -> dict[str, int]:
    """Bulk-insert one workspace's people, channels, items, votes, history and interaction
    graph (`world` made with `seed`); rows per table."""
    items = make_items(world, sizes.items)
    counts = vote_counts(world, items, sizes.votes)
    users, settings = people_rows(world)
    written = {
        "users": insert(conn, "users", users),
        "person_settings": insert(conn, "person_settings", settings),
    }
    written["channels"] = insert(
        conn,
        "channels",
        (
            (world.team, cid, f"{WORDS[n % len(WORDS)]}-{n}", int(world.private[n]), world.now)
            for n, cid in enumerate(world.channels)
        ),
    )
    written["items"] = insert(conn, "items", item_rows(world, items))
    # Each workspace's item count, as capture keeps it (`team_items`, migration 25).
    conn.execute(
        "INSERT INTO team_items SELECT team_id, count(*) FROM items GROUP BY team_id"
        " ON CONFLICT (team_id) DO UPDATE SET n = excluded.n"
    )
    written["shares"] = insert(conn, "shares", share_rows(world, items))
    written["votes"] = insert(conn, "votes", vote_rows(world, items, counts))
    for table, rows in history_rows(world, items, counts).items():
        written[table] = insert(conn, table, rows)
    for table, rows in fatigue_history_rows(world).items():
        written[table] = written.get(table, 0) + insert(conn, table, rows)
    if sizes.interactions:
        w = world
        graph = interaction_rows(
            w.team,
            w.people,
            w.channels,
            w.private,
            w.members,
            w.joined,
            w.now,
            sizes.interactions,
            seed,
        )
        written["interactions"] = insert(conn, "interactions", graph)
    return written


def timed_generate(path: Path, sizes: Sizes, now: float, seed: int) -> None:
    """`generate` (into PATH.part, renamed when complete), printing rows and time taken."""
    run_timed(path, lambda part: generate(part, sizes, now, seed))


def run_timed(path: Path, make: Callable[[Path], dict[str, int]]) -> None:
    """Build a database with `make` into PATH.part, renamed when complete (an interrupted run
    leaves no half-made database to reuse), printing its rows and the time taken."""
    started = time.perf_counter()
    part = path.with_name(path.name + ".part")
    for leftover in (part, part.with_name(part.name + "-journal")):
        leftover.unlink(missing_ok=True)
    written = make(part)
    part.replace(path)
    seconds = time.perf_counter() - started
    print(
        f"generated {sum(written.values()):,} rows in {seconds:.1f} s (not counted): "
        + ", ".join(f"{table} {count:,}" for table, count in written.items())
    )


def ensure_generated(script: str, db: Path, scale: float, seed: int, graph: bool = True) -> None:
    """Have `script --generate-only` build `db` in a child process, unless the file exists
    (the child's memory is not the benchmark's)."""
    if db.exists():
        print(f"reusing {db} (generation skipped)")
        return
    command = [
        sys.executable,
        script,
        "--generate-only",
        "--db",
        str(db),
        "--scale",
        str(scale),
        "--seed",
        str(seed),
        *([] if graph else ["--no-graph"]),
    ]
    subprocess.run(command, check=True)
