"""Digests sent by the real bot (tests.support.bot), and finding them in the local Slack."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.pacer import Pacer
from jobs.digest_blocks import ITEM_MENU, menu_item_id
from jobs.digests import run_digests
from jobs.people_sync import refresh_people
from tests.support.bot import Env


async def send_now(
    env: Env, config: Config | None = None, force: bool = False, now: datetime | None = None
) -> None:
    """Every digest due now, sent at once (no waiting for the schedule or the send rate);
    `config` replaces the bot's settings for this run (e.g. SERENDIP_PERSONAL_DIGESTS);
    `force` sends again what was sent for the current period (`digest send --force`); `now`
    is the run's moment (the wall clock unless given, as the bot's own ticks)."""
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    await run_digests(
        env.store,
        client,
        config or env.config,
        now or datetime.now(UTC),
        now_mode=True,
        force=force,
        pacer=Pacer(60_000),
    )


async def sync_people(env: Env) -> None:
    """The people sync the bot runs at start (users.list), done now: names are then known to
    digests for sure, instead of racing the first one."""
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    await refresh_people(env.store, client)


def digest_in(env: Env, where: str) -> dict[str, object]:
    """The latest digest posted in a channel or direct message."""
    found = [
        m
        for m in env.slack.messages(where)
        if (m.get("metadata") or {}).get("event_type") == "serendip_digest"
    ]
    assert found, f"no digest in {where}"
    return found[-1]


def item_ids(message: dict[str, object]) -> list[str]:
    """The items a digest offers a menu (Useful, Less like this) for, in order."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [found for b in blocks if (found := menu_item_id(b)) is not None]


async def choose(env: Env, user: str, where: str, message: dict[str, object], value: str) -> None:
    """`user` chooses an option (`useful:<item id>`, `less:<item id>`) of an item's menu in the
    digest `message`, posted in `where` (a channel, or a person's id for their DM)."""
    channel = env.slack.ws.dm_id(where) if where.startswith(("U", "W")) else where
    await env.slack.block_action(user, ITEM_MENU, value, channel, str(message["ts"]))
    await env.settle()
