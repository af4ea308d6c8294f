"""The real bot (HTTP or Socket Mode) started in this process against the local Slack, on
loopback only: its settings, a small team, and the running pieces a test talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.config import Config, load_config
from bot.inbox import InboxWorker
from bot.runner import INBOX, STORE, build_server
from bot.store import Store
from localslack import LocalSlack


@dataclass
class Env:
    """One running bot and the Slack it talks to."""

    slack: LocalSlack
    store: Store
    config: Config
    mode: str
    port: int
    inbox: InboxWorker

    @property
    def team(self) -> str:
        return self.slack.team_id

    async def settle(self) -> None:
        """Wait until Slack delivered everything and the bot handled it."""
        await self.slack.wait_idle()
        await self.inbox.drain()

    async def items(self) -> list[dict[str, Any]]:
        await self.settle()
        return await self.store.export_items()


def populate(slack: LocalSlack) -> None:
    """A small team: three people, an outsider, public and private channels."""
    slack.add_user("U1", name="ana", real_name="Ana Lima", tz="Europe/Lisbon")
    slack.add_user("U2", name="bo", real_name="Bo Chen", tz="Asia/Tokyo")
    slack.add_user("U3", name="cy", real_name="Cy Diaz", tz="America/Chicago", is_admin=True)
    slack.add_user("X1", name="vendor", team_id="TOTHER")
    slack.add_channel("C1", name="general", members=["U1", "U2", "U3", "X1"], bot_member=True)
    slack.add_channel("C2", name="random", members=["U1", "U2"], bot_member=True)
    slack.add_channel("CTIL", name="til", members=["U1"], bot_member=False)
    slack.add_channel("G1", name="secret", is_private=True, members=["U1", "U2"], bot_member=True)


def bot_config(slack: LocalSlack, db: Path, mode: str, **extra: str) -> Config:
    """Settings pointing the bot at the local Slack."""
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "SERENDIP_DB": str(db),
        "SERENDIP_FETCH_LINKS": "off",
        # A local Slack takes posts as fast as they come; tests of pacing set their own rate.
        "SERENDIP_SEND_RATE": "100000",
        **extra,
    }
    if mode == "socket":
        env["SLACK_APP_TOKEN"] = slack.app_token
    return load_config(env, dotenv=None)


async def start_bot(
    slack: LocalSlack, config: Config, mode: str
) -> tuple[web.AppRunner, Store, int, InboxWorker]:
    """Start the whole bot on 127.0.0.1 and point the local Slack's deliveries at it."""
    if mode == "socket":
        slack.deliver_socket(ack_timeout=2.0)
    web_app = build_server(config, socket_mode=mode == "socket", scheduler=False)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    if mode == "http":
        slack.deliver_http(
            f"http://127.0.0.1:{port}/slack/events", retry_delays=(0.0, 0.05, 0.1), timeout=3.0
        )
    return runner, web_app[STORE], port, web_app[INBOX]


@asynccontextmanager
async def running_bot(db: Path, mode: str) -> AsyncIterator[Env]:
    """A local Slack with the small team, and the bot in `mode` on `db`; stopped afterwards."""
    async with LocalSlack() as slack:
        populate(slack)
        config = bot_config(slack, db, mode)
        runner, store, port, inbox = await start_bot(slack, config, mode)
        try:
            yield Env(slack, store, config, mode, port, inbox)
        finally:
            await runner.cleanup()


GRID_ORG = "E0GRID"


@asynccontextmanager
async def running_grid_bot(db: Path, mode: str) -> AsyncIterator[Env]:
    """The small team in an Enterprise Grid organisation, with a colleague of the org's other
    workspace (W2) and the Slack Connect outsider (X1) in #org-wide."""
    async with LocalSlack(enterprise_id=GRID_ORG) as slack:
        populate(slack)
        slack.add_user("W2", name="wen", team_id="T0SISTER", enterprise_id=GRID_ORG)
        slack.add_channel("CORG", name="org-wide", members=["U1", "U2", "W2", "X1"])
        config = bot_config(slack, db, mode)
        runner, store, port, inbox = await start_bot(slack, config, mode)
        try:
            yield Env(slack, store, config, mode, port, inbox)
        finally:
            await runner.cleanup()
