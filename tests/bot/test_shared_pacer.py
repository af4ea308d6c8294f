"""The deployment's send rate: two replicas' pacers on one PostgreSQL database take turns, and a
429 one of them hears holds the other back too."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from bot.pacer import Pacer
from bot.shared_pacer import SharedPacer, make_pacer
from bot.store import Store


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


def test_sqlite_paces_in_process(tmp_path: Path, pg_url: str) -> None:
    config = load_config({}, dotenv=None)
    assert type(make_pacer(Store(tmp_path / "s.db"), config)) is Pacer
    assert isinstance(make_pacer(Store(pg_url), config), SharedPacer)
