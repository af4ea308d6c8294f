"""Meeting Serendip: Home's welcome view on a person's first visit, and the digest preview
it shows."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.store import Store
from handlers.blocks.welcome import PreviewItem, Welcome, build_welcome
from handlers.features.home import publish_home
from jobs.digests import ACTIVE_DAYS, person_preview

PREVIEW = 3


async def gather_welcome(store: Store, config: Config, team_id: str, user_id: str) -> Welcome:
    """The first items of the person's digest as it would go out now, and whether they get
    it as things stand (`SERENDIP_PERSONAL_DIGESTS`, their own choice, their activity)."""
    now = time.time()
    composed = await person_preview(
        store, config, team_id, user_id, datetime.fromtimestamp(now, UTC)
    )
    items = [i for s in composed.view.sections for i in s.items] if composed else []
    preview = [PreviewItem(i.title, i.url, i.sharer) for i in items[:PREVIEW]]
    chosen, active = await store.digest_standing(team_id, user_id, now - ACTIVE_DAYS * 86400)
    by_default = active and config.personal_digests == "active"
    return Welcome(preview, chosen != "off" if chosen is not None else by_default)


async def publish_welcome(
    client: AsyncWebClient, store: Store, config: Config, team_id: str, user_id: str
) -> bool:
    """Publish the person's Home with the welcome on top; False if Slack refused."""
    lead = build_welcome(await gather_welcome(store, config, team_id, user_id))
    return await publish_home(client, store, team_id, user_id, lead=lead, config=config)
