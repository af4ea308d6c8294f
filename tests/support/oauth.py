"""Installing the bot by OAuth in tests: the bot without a bot token, and the installer's
browser (an aiohttp session that carries the state cookie by hand: Bolt sets it `Secure`, and
the tests serve plain HTTP on loopback)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.config import load_config
from bot.store import Store
from localslack.server import LocalSlack
from localslack.tenants import Tenant
from tests.support.bot import Env, populate, start_bot

STATE_SECRET = "state-secret-for-the-tests-0123"
Space = LocalSlack | Tenant
Shared = tuple[Space, str, str, str]  # a workspace, a person, their channel, a link they share
COOKIE = "slack-app-oauth-state"


@dataclass
class Browser:
    """The installer's browser: pages and redirects, the state cookie kept by hand."""

    session: aiohttp.ClientSession
    bot: str  # the bot's base URL
    cookie: str = ""

    async def get(self, url: str) -> tuple[int, str, str]:
        """(status, body, Location) of one GET, redirects not followed."""
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        async with self.session.get(url, allow_redirects=False, headers=headers) as answer:
            morsel = answer.cookies.get(COOKIE)
            if morsel is not None:
                self.cookie = morsel.value
            return answer.status, await answer.text(), answer.headers.get("Location", "")

    async def start(self) -> str:
        """Open /slack/install; returns the authorize URL it leads to."""
        status, body, _ = await self.get(self.bot + "slack/install")
        assert status == 200
        found = re.search(r'href="([^"]+/oauth/v2/authorize[^"]*)"', body)
        assert found is not None
        return html.unescape(found.group(1))

    async def install(self) -> tuple[int, str]:
        """The whole flow: install page, Slack's decision, back to the bot's redirect."""
        status, _, back = await self.get(await self.start())
        assert status == 302
        status, body, _ = await self.get(back)
        return status, body


@asynccontextmanager
async def oauth_bot(
    tmp_path: Path, secret: str | None = None, rotation: bool = False, mode: str = "http"
) -> AsyncIterator[tuple[Env, Browser]]:
    """The bot installed by OAuth (no bot token), in HTTP mode unless told, and a browser."""
    async with LocalSlack() as slack, aiohttp.ClientSession() as session:
        populate(slack)
        slack.oauth.rotation = rotation
        socket = {"SLACK_APP_TOKEN": slack.app_token} if mode == "socket" else {}
        config = load_config(
            {
                **socket,
                "SLACK_CLIENT_ID": slack.oauth.client_id,
                "SLACK_CLIENT_SECRET": secret or slack.oauth.client_secret,
                "SERENDIP_STATE_SECRET": STATE_SECRET,
                "SLACK_SIGNING_SECRET": slack.signing_secret,
                "SLACK_API_URL": slack.api_url,
                "SERENDIP_DB": str(tmp_path / "serendip.db"),
                "SERENDIP_FETCH_LINKS": "off",
                "SERENDIP_SEND_RATE": "100000",
            },
            dotenv=None,
        )
        runner, store, port, inbox = await start_bot(slack, config, mode)
        if mode == "socket":
            await slack.wait_connected()
        base = f"http://127.0.0.1:{port}/"
        slack.oauth.redirect_uri = base + "slack/oauth_redirect"
        try:
            yield Env(slack, store, config, mode, port, inbox), Browser(session, base)
        finally:
            await runner.cleanup()


async def a_dm_finds_no_installation(env: Env) -> None:
    """A DM to the bot is not answered, and the inbox keeps it as failed (401)."""
    await env.slack.dm_bot("U1", "hello?")
    await env.settle()
    assert env.slack.calls_of("chat.postMessage") == []
    failed = await env.store.failed_events()
    assert len(failed) == 1
    assert "401" in str(failed[0])


async def installed_token(store: Store, team: str) -> str | None:
    found = await store.find_installation("", team)
    return None if found is None else found.bot_token


def person_in(space: Space, person: str, channel: str) -> None:
    """One person and one channel with the bot in it."""
    space.add_user(person, name=person.lower())
    space.add_channel(channel, name="general", members=[person], bot_member=True)


def three_workspaces(slack: LocalSlack) -> list[Shared]:
    """The local Slack's own workspace, a second one and a third in Grid org E1, each with a
    person, a channel and a kafka link of its own to share."""
    two = slack.add_workspace("T2", name="Two")
    grid = slack.add_workspace("T3", name="Three", enterprise_id="E1")
    person_in(two, "U21", "C21")
    person_in(grid, "W31", "C31")
    return [
        (slack, "U1", "C1", "https://one.example/kafka-guide"),
        (two, "U21", "C21", "https://two.example/kafka-notes"),
        (grid, "W31", "C31", "https://three.example/kafka-talk"),
    ]
