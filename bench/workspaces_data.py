"""Several synthetic workspaces in one database, for `bench/digest.py --workspaces N` (issue 17).

Each workspace is bench/digest_data.py's workspace at its own size (`Sizes.of_people`), with
its own seed, its own people and channels (ids unique across workspaces, as Slack's are) and
the installation row an OAuth install leaves, so the store lists every one of them as
installed and a job finds each one's bot token, as it would after N installs.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from bench.digest_data import DAY, TEAM, Sizes, bulk_connection, fill, make_world
from bot.installations import BOT_SCOPES
from bot.store import Installed, Store

PEOPLE_EACH = 200  # people per workspace at --scale 1


def team_of(k: int, count: int) -> str:
    """The id of workspace `k` of `count` (alone: the one-workspace benchmark's own id)."""
    return TEAM if count == 1 else f"{TEAM}{k + 1:03d}"


def local_token(team: str) -> str:
    """The bot token the local Slack gives the app in workspace `team`."""
    return f"xoxb-local-{team}"


def installation(team: str, installer: str | None = None) -> Installed:
    """The row an OAuth install of the app into `team` leaves (the local Slack's token)."""
    return Installed(
        enterprise_id="",
        team_id=team,
        bot_token=local_token(team),
        bot_id=f"BB{team}",
        bot_user_id=f"UB{team}",
        bot_scopes=",".join(BOT_SCOPES),
        installer=installer,
        app_id="ALOCAL",
        team_name=f"Bench {team}",
        token_type="bot",
    )


def generate_workspaces(
    path: Path, count: int, people: int, now: float, seed: int, graph: bool
) -> dict[str, int]:
    """`count` workspaces of `people` each into a fresh store at `path`; rows per table."""
    sizes = Sizes.of_people(people, graph)
    store = Store(path, clock=lambda: now - 30 * DAY)  # installed a month ago, every run
    try:
        asyncio.run(_install(store.open(), count, people))
    finally:
        store.close()
    conn = bulk_connection(path)
    written: Counter[str] = Counter()
    for k in range(count):
        first = (k * people, k * sizes.channels)
        world = make_world(sizes, now, seed + k, team_of(k, count), first)
        written.update(fill(conn, world, sizes, seed + k))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"installations": count, **written}


async def _install(store: Store, count: int, people: int) -> None:
    for k in range(count):
        await store.save_installation(installation(team_of(k, count), f"U{k * people:07d}"))
