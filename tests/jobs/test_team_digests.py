"""The digest job plans each workspace by its own digest day, hour and time zone (set by its
admins in Home), the environment's serving a workspace that set none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import load_config
from bot.models import ChannelInfo
from bot.pacer import Pacer
from bot.store import Store
from jobs.digests import run_digests

# Monday 1 June 2026, 06:00 UTC: 08:00 in Paris, before 09:00 in UTC.
MONDAY_SIX = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
MONDAY_HALF_NINE = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "serendip.db").open()
    yield opened
    opened.close()


async def _planned(store: Store, team: str) -> list[str]:
    return [row.recipient for row in await store.outbox_rows(None, team)]


async def test_each_workspace_is_planned_at_its_own_day_hour_and_zone(store: Store) -> None:
    config = load_config({"SERENDIP_DIGEST_DAY": "mon", "SERENDIP_DIGEST_HOUR": "9"}, None)
    for team in ("TA", "TB"):
        await store.save_channel(ChannelInfo(team, "C1", "general"))
    await store.change_team_settings("TA", {"digest_hour": "7", "tz": "Europe/Paris"})
    # No item was shared: the digests are planned empty, and nothing is posted.
    client = AsyncWebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/")
    await run_digests(store, client, config, MONDAY_SIX, pacer=Pacer(60_000))
    assert await _planned(store, "TA") == ["C1"]  # 08:00 in Paris, after A's 07:00
    assert await _planned(store, "TB") == []  # 06:00 UTC, before the environment's 09:00
    await run_digests(store, client, config, MONDAY_HALF_NINE, pacer=Pacer(60_000))
    assert await _planned(store, "TB") == ["C1"]
    assert await _planned(store, "TA") == ["C1"]  # once a week


async def test_a_workspace_on_another_day_is_not_planned_on_the_default_one(store: Store) -> None:
    config = load_config({}, None)  # Monday at 09:00 UTC
    for team in ("TA", "TB"):
        await store.save_channel(ChannelInfo(team, "C1", "general"))
    await store.change_team_settings("TA", {"digest_day": "tue"})
    client = AsyncWebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/")
    await run_digests(store, client, config, MONDAY_HALF_NINE, pacer=Pacer(60_000))
    assert await _planned(store, "TA") == []
    assert await _planned(store, "TB") == ["C1"]
