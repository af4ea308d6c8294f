"""The scheduler wrapper registers the housekeeping with stable ids and safe options."""

from __future__ import annotations

from bot.config import load_config
from bot.pacer import Pacer
from bot.store import Store
from bot.workspace_clients import OneClient
from jobs.scheduler import build_scheduler


def test_housekeeping_job(store: Store) -> None:
    config = load_config({"SERENDIP_TZ": "Europe/Paris"}, dotenv=None)
    scheduler = build_scheduler(store, config)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"housekeeping", "housekeeping-at-start"}
    daily = jobs["housekeeping"]
    assert daily.max_instances == 1
    assert daily.coalesce
    assert daily.misfire_grace_time >= 3600
    assert str(daily.trigger.timezone) == "Europe/Paris"
    assert "hour='3'" in str(daily.trigger)


def test_link_health_only_when_fetching(store: Store) -> None:
    config = load_config({}, dotenv=None)

    async def fetch(url: str) -> object:
        raise AssertionError("not called while building")

    assert "link-health" not in {j.id for j in build_scheduler(store, config).get_jobs()}
    with_fetch = build_scheduler(store, config, fetch)  # type: ignore[arg-type]
    assert "link-health" in {j.id for j in with_fetch.get_jobs()}


def test_digest_tick_and_people_jobs_with_a_client(store: Store) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    config = load_config({}, dotenv=None)
    assert "digest-tick" not in {j.id for j in build_scheduler(store, config).get_jobs()}
    client = AsyncWebClient(base_url="http://127.0.0.1:9/")
    scheduler = build_scheduler(store, config, clients=OneClient(client, Pacer(60)))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"digest-tick", "people", "people-at-start"} <= set(jobs)
    tick = jobs["digest-tick"]
    assert tick.max_instances == 1
    assert tick.coalesce
    assert "interval[0:05:00]" in str(tick.trigger)
