"""Time zones for digests come from users.list, refreshed into the store."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.store import Store
from bot.store.sql.workspaces import url_of
from jobs.people_sync import refresh_people
from localslack import LocalSlack
from tests.support.rawdb import raw


async def test_users_list_fills_time_zones_but_not_for_the_opted_out(store: Store) -> None:
    async with LocalSlack(team_id="T1") as slack:
        slack.add_user("U1", name="ana", tz="Asia/Tokyo")
        slack.add_user("U2", name="bo", tz="America/Chicago")
        for n in range(450):  # more than two pages
            slack.add_user(f"UMANY{n}", tz="Europe/Paris")
        await store.set_opt_out("T1", "U2", True)
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        saved = await refresh_people(store, client)
        assert saved >= 451
        ana = await store.user("T1", "U1")
        assert ana is not None
        assert ana.tz == "Asia/Tokyo"
        assert await store.user("T1", "U2") is None  # opted out: nothing stored about them
        assert (await store.user("T1", "UMANY449")) is not None
        assert len(slack.calls_of("users.list")) >= 3


async def test_a_failing_users_list_changes_nothing(store: Store) -> None:
    async with LocalSlack(team_id="T1") as slack:
        slack.fail_next("users.list", "internal_error", status=200)
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        assert await refresh_people(store, client) == 0


async def test_the_workspace_address_is_kept_for_message_links(store: Store) -> None:
    async with LocalSlack(team_id="T1") as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        assert raw(store, url_of, "T1") is None
        await refresh_people(store, client)
        assert raw(store, url_of, "T1") == slack.ident.url  # auth.test's, asked anyway
        assert len(slack.calls_of("auth.test")) == 1
        assert await store.installed_teams() == ["T1"]
        snap = await store.digest_snapshot("T1", 0, 1, 0)
        assert snap.workspace_url == slack.ident.url
