"""A workspace's send rate across the deployment: two replicas' pacers on one PostgreSQL
database take turns, and a 429 one of them hears holds the other back too; another workspace's
posts keep to their own rate."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from bot.pacer import Pacer
from bot.shared_pacer import SharedPacer
from bot.store import Store
from bot.workspace_clients import make_pacers

OAUTH = {
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "client-secret-0123456789",
    "SERENDIP_STATE_SECRET": "state-secret-0123456789abcdef",
}


class Clock:
    """Wall time that moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_two_replicas_share_one_rate(pg_url: str) -> None:
    store_a, store_b = Store(pg_url).open(), Store(pg_url).open()
    clock = Clock()
    try:
        a = SharedPacer(store_a, 60, clock=clock, sleep=clock.sleep)  # one post a second
        b = SharedPacer(store_b, 60, clock=clock, sleep=clock.sleep)
        start = clock.now
        times = []
        for pacer, channel in ((a, "D1"), (b, "D2"), (a, "D3"), (b, "D4")):
            await pacer.wait(channel)
            times.append(clock.now - start)
        assert times == [0.0, 1.0, 2.0, 3.0]  # alone, each would have posted at once
        a.pause(30.0)  # Slack answered a 429 to a
        await a.written()
        await b.wait("D5")
        assert clock.now - start >= 3.0 + 30.0
    finally:
        store_a.close()
        store_b.close()


async def test_a_channel_still_gets_one_post_a_second(pg_url: str) -> None:
    store = Store(pg_url).open()
    clock = Clock()
    try:
        pacer = SharedPacer(store, 6000, clock=clock, sleep=clock.sleep)
        start = clock.now
        await pacer.wait("D1")
        await pacer.wait("D1")
        assert clock.now - start == 1.0
    finally:
        store.close()


def test_sqlite_paces_in_process_and_each_workspace_has_its_pacer(
    tmp_path: Path, pg_url: str
) -> None:
    oauth = load_config(OAUTH, dotenv=None)
    local = make_pacers(Store(tmp_path / "s.db"), oauth)
    assert type(local.for_team("T1")) is Pacer
    assert local.for_team("T1") is local.for_team("T1")
    assert local.for_team("T2") is not local.for_team("T1")
    shared = make_pacers(Store(pg_url), oauth).for_team("T1")
    assert isinstance(shared, SharedPacer)
    assert shared.key == "team:T1"
    # One bot token serves one workspace: every post keeps to one rate, as before.
    one = make_pacers(Store(pg_url), load_config({}, dotenv=None))
    assert one.for_team("T1") is one.for_team("T2")
    assert isinstance(one.for_team(None), SharedPacer)


async def test_one_workspaces_posts_never_hold_back_anothers(pg_url: str) -> None:
    store_a, store_b = Store(pg_url).open(), Store(pg_url).open()
    clock = Clock()
    try:
        # Two replicas, each posting in its own workspace: Slack's limit is per workspace.
        a = SharedPacer(store_a, 60, clock=clock, sleep=clock.sleep, key="team:T1")
        b = SharedPacer(store_b, 60, clock=clock, sleep=clock.sleep, key="team:T2")
        start = clock.now
        for pacer, channel in ((a, "D1"), (b, "D2"), (a, "D3"), (b, "D4")):
            await pacer.wait(channel)
        assert clock.now - start == 1.0  # each workspace's second post waits a second, no more
        a.pause(30.0)
        await a.written()
        await b.wait("D5")
        assert clock.now - start < 30.0  # T1's 429 is T1's alone
    finally:
        store_a.close()
        store_b.close()
