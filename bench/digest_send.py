"""Part 2 of bench/digest.py: planned personal digests posted to the local Slack.

The local Slack holds one workspace of 10,000 people (times `--scale`), or with `--workspaces
N` N workspaces of 200 people each (times `--scale`), and refuses posts over 3,000 a minute
across all of them. A fresh store's outbox holds one planned personal digest per person, and
an installation per workspace; each workspace's digests are posted by `Deliverer` with a
client on that workspace's own bot token, found in its installation (as jobs find it), all
paced by one shared `Pacer(3000)`, as `run_digests` shares it.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bench.digest_data import ZONES
from bench.workspaces_data import PEOPLE_EACH, installation, team_of
from bot.pacer import Pacer
from bot.slack_client import make_client
from bot.store import Store
from jobs.delivery import EVENT_TYPE, Deliverer, DeliveryReport
from jobs.digest_blocks import DigestItem, DigestSection, DigestView, build_digest
from jobs.periods import key_expires, week_key
from localslack import LocalSlack
from localslack.tenants import Tenant

SEND_RATE = 3000  # posts per minute, for LocalSlack's limit and for the Pacer
RATE_TARGET = 0.9
Space = LocalSlack | Tenant  # one workspace of the local Slack


def add_people(slack: Space, count: int, first: int = 0) -> list[str]:
    """`count` people in a workspace of the local Slack, spread over ZONES, numbered from
    `first`; returns their ids."""
    zones = list(ZONES)
    people = [f"U{first + n:07d}" for n in range(count)]
    for n, uid in enumerate(people):
        slack.add_user(uid, name=f"person{first + n}", tz=zones[n % len(zones)])
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


def posted_outbox_ids(slack: Space, people: list[str]) -> Counter[int]:
    """How many DMs of this workspace carry each outbox id in their metadata."""
    seen: Counter[int] = Counter()
    for person in people:
        if slack.ws.dm_id(person) is None:
            continue
        for message in slack.messages(person):
            meta = message.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE:
                seen[int(meta["event_payload"]["outbox_id"])] += 1
    return seen


async def send(scale: float, workspaces: int | None = None) -> bool:
    """Post a planned personal digest to everyone of one workspace of `10,000 * scale` people,
    or of `workspaces` workspaces of `200 * scale` each; print the figures."""
    count = workspaces or 1
    each = max(10, round((PEOPLE_EACH if workspaces else 10_000) * scale))
    async with LocalSlack(team_id=team_of(0, count)) as slack:
        slack.deliver_off()  # the bot is not running: record the DM events, deliver nothing
        started = time.perf_counter()
        spaces: list[Space] = [slack] + [
            slack.add_workspace(team_of(k, count)) for k in range(1, count)
        ]
        people = {s.team_id: add_people(s, each, k * each) for k, s in enumerate(spaces)}
        print(
            f"local slack: {each * count:,} people in {count} workspace"
            f"{'s' if count > 1 else ''}, added in {time.perf_counter() - started:.2f} s"
        )
        slack.set_post_limits(per_minute=SEND_RATE)
        with tempfile.TemporaryDirectory(prefix="serendip-send-") as folder:
            store = Store(Path(folder) / "send.db").open()
            try:
                return await _deliver(slack, store, spaces, people)
            finally:
                store.close()


async def _plan(store: Store, spaces: list[Space], people: dict[str, list[str]]) -> int:
    """Install the app in every workspace and plan everyone's digest; how many rows."""
    today = datetime.now(UTC)  # delivery drops rows whose period is over by the wall clock
    key, expires = week_key(today), key_expires(week_key(today), ZoneInfo("UTC")).timestamp()
    rows = []
    for space in spaces:
        await store.save_installation(installation(space.team_id, people[space.team_id][0]))
        mine = people[space.team_id]
        rows += [digest_row(space.team_id, p, n, key, expires) for n, p in enumerate(mine)]
    await store.plan_digests(rows, time.time())
    return len(rows)


async def team_client(store: Store, team_id: str, api_url: str) -> AsyncWebClient:
    """A client on the workspace's own bot token, from its installation."""
    found = await store.find_installation("", team_id)
    assert found is not None, f"no installation for {team_id}"
    return make_client(found.bot_token, api_url)


async def _deliver(
    slack: LocalSlack, store: Store, spaces: list[Space], people: dict[str, list[str]]
) -> bool:
    planned = await _plan(store, spaces, people)
    report, pacer = DeliveryReport(), Pacer(SEND_RATE)
    started = time.perf_counter()
    for space in spaces:  # one workspace after another, as run_digests goes
        client = await team_client(store, space.team_id, slack.api_url)
        await Deliverer(store, client, pacer, report=report).run(space.team_id)
    elapsed = time.perf_counter() - started
    lost = duplicates = posted = 0
    for space in spaces:
        outbox = await store.outbox_rows(None, space.team_id)
        seen = posted_outbox_ids(space, people[space.team_id])
        duplicates += sum(n - 1 for n in seen.values() if n > 1)
        lost += sum(1 for row in outbox if row.status != "sent")
        posted += len(seen)
    return _print_send(slack, report, planned, elapsed, (duplicates, lost, posted))


def _print_send(
    slack: LocalSlack,
    report: DeliveryReport,
    planned: int,
    elapsed: float,
    counted: tuple[int, int, int],
) -> bool:
    duplicates, lost, posted = counted
    rate = report.sent / elapsed * 60
    posts = slack.calls_of("chat.postMessage")
    tokens = len({c.token for c in posts if c.ok})
    print(
        f"sent {report.sent:,} of {planned:,} in {elapsed:.1f} s: {rate:,.0f} posts/minute "
        f"= {rate / SEND_RATE:.1%} of the {SEND_RATE:,} limit (target >= {RATE_TARGET:.0%})"
    )
    print(
        f"429s from local slack {slack.rate_limited_count} (Deliverer counted "
        f"{report.rate_limited}); chat.postMessage calls {len(posts):,}, "
        f"{sum(1 for c in posts if not c.ok)} refused, posted with {tokens} bot token"
        f"{'s' if tokens != 1 else ''}"
    )
    print(
        f"duplicates {duplicates}, losses {lost} (failed {report.failed}, dropped "
        f"{report.dropped}, unknown {report.unknown}), DMs with a digest {posted:,}"
    )
    return rate >= RATE_TARGET * SEND_RATE and duplicates == 0 and lost == 0
