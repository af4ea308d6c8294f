"""The learning pulse's record of weeks: claimed once, released only while not posted."""

from __future__ import annotations

from bot.store import Store
from tests.support.figures import NOW, stats_rows
from tests.support.rawdb import raw


async def test_a_week_is_claimed_once_and_released_only_before_it_is_posted(store: Store) -> None:
    assert await store.claim_pulse("T1", "2026-W39", "CREP", 1.0)
    assert not await store.claim_pulse("T1", "2026-W39", "CREP", 2.0)
    assert await store.claim_pulse("T2", "2026-W39", "CREP", 2.0)  # per workspace
    await store.release_pulse("T1", "2026-W39")
    assert await store.claim_pulse("T1", "2026-W39", "CREP", 3.0)
    await store.pulse_posted("T1", "2026-W39", "F1", "5.000001")
    await store.release_pulse("T1", "2026-W39")  # a posted week stays posted
    assert await store.pulse_weeks("T1") == [
        {
            "week": "2026-W39",
            "channel": "CREP",
            "status": "posted",
            "file_id": "F1",
            "ts": "5.000001",
        },
    ]


async def test_report_data_has_the_figures_the_series_and_the_flows(store: Store) -> None:
    raw(store, stats_rows)
    data = await store.report_data("T1", NOW, 7, 15)
    assert data["stats"]["current"]["items_shared"] == 2
    assert len(data["series"]) == 8
    assert data["flows"] == [{"from": "#data", "to": "#eng", "votes": 1}]
    assert (await store.report_data("T9", NOW, 7, 15))["flows"] == []
