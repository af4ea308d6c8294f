"""A workspace's settings are read through a short cache: a change through the same store is
seen at once, one through another store (another replica) within SETTINGS_TTL seconds."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.team_settings import SETTINGS_TTL


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_another_store_change_is_seen_within_the_ttl(tmp_path: Path) -> None:
    clock = Clock()
    here = Store(tmp_path / "serendip.db", clock=clock).open()
    there = Store(tmp_path / "serendip.db", clock=clock).open()
    try:
        assert await here.team_settings("T1") == {}
        await there.change_team_settings("T1", {"digest_day": "fri"})
        assert await there.team_settings("T1") == {"digest_day": "fri"}  # its own: at once
        assert await here.team_settings("T1") == {}  # still its cached read
        clock.now += SETTINGS_TTL
        assert await here.team_settings("T1") == {"digest_day": "fri"}
    finally:
        here.close()
        there.close()
