"""The 48-hour job: a question nobody replied to is routed once more, to the next experts."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.routing import route_question
from bot.store import Store
from bot.team_settings import team_config

log = logging.getLogger(__name__)
REROUTE_AFTER = 48 * 3600


async def reroute_unanswered(
    store: Store, client: AsyncWebClient, config: Config, now: float
) -> int:
    """Route every question posted 48 hours before `now` with no reply yet, once; returns how
    many people were asked. The claim is stored first, so a crash never routes one twice."""
    asked = 0
    for question in await store.claim_reroutes(now - REROUTE_AFTER, now):
        settings = await team_config(store, config, question.team_id)  # its routing cap
        asked += len(await route_question(store, client, settings, question, 1, now))
    if asked:
        log.info("re-routed unanswered questions to %s people", asked)
    return asked
