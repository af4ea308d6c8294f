"""The 48-hour job: a question nobody replied to is routed once more, to the next experts."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.pacer import Pacer
from bot.routing import route_question
from bot.store import Store
from bot.team_settings import team_config
from bot.workspace_clients import Clients, OneClient

log = logging.getLogger(__name__)
REROUTE_AFTER = 48 * 3600


async def reroute_unanswered(
    store: Store, clients: Clients | AsyncWebClient, config: Config, now: float
) -> int:
    """Route every question posted 48 hours before `now` with no reply yet, once, through its
    workspace's client; returns how many people were asked. The claim is stored first, so a
    crash never routes one twice."""
    if isinstance(clients, AsyncWebClient):
        clients = OneClient(clients, Pacer(config.send_rate))
    asked = 0
    for question in await store.claim_reroutes(now - REROUTE_AFTER, now):
        poster = await clients(question.team_id)
        if poster is None:  # the workspace left meanwhile
            continue
        settings = await team_config(store, config, question.team_id)  # its routing cap
        asked += len(await route_question(store, poster.client, settings, question, 1, now))
    if asked:
        log.info("re-routed unanswered questions to %s people", asked)
    return asked
