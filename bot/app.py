"""The app factory: a Bolt AsyncApp wired to the store, with every listener registered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.slack_client import make_client
from bot.store import Store
from handlers import register_all

log = logging.getLogger(__name__)


def event_key(body: dict[str, Any]) -> tuple[str, str] | None:
    """(team id, event id) of an Events API delivery, None for anything else."""
    event_id, team_id = body.get("event_id"), body.get("team_id")
    if isinstance(event_id, str) and isinstance(team_id, str) and event_id and team_id:
        return team_id, event_id
    return None


class SerendipApp(AsyncApp):
    """An AsyncApp that handles each event once, however often Slack delivers it.

    Listeners run before the response (process_before_response), so a 200 here means the
    event's effects are committed; only then is its id remembered. A retry of an event
    that was handled is acknowledged without running anything again.
    """

    def __init__(self, store: Store, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Dispatch once per event id; see the class docstring."""
        key = event_key(req.body) if isinstance(req.body, dict) else None
        if key is not None:
            await self.store.note_activity(key[0])
            if await self.store.event_seen(*key):
                return BoltResponse(status=200, body="")
        response = await super().async_dispatch(req)
        if key is not None and response.status == 200:
            await self.store.mark_event(*key)
        return response


def build_app(
    config: Config, store: Store, client: AsyncWebClient | None = None, socket_mode: bool = False
) -> SerendipApp:
    """Build the Bolt app; `socket_mode` skips signature checks (the socket is authenticated)."""
    app = SerendipApp(
        store,
        client=client or make_client(config.bot_token, config.api_url),
        signing_secret=config.signing_secret or "",
        request_verification_enabled=not socket_mode,
        process_before_response=True,
        logger=logging.getLogger("serendip.bolt"),
    )

    async def inject(context: dict[str, Any], next: Any) -> None:
        context["store"] = store
        context["config"] = config
        await next()

    app.use(inject)
    app.error(_log_error)
    register_all(app)
    return app


async def _log_error(error: Exception, body: dict[str, Any]) -> None:
    kind = body.get("type") if isinstance(body, dict) else None
    log.error("listener failed on a %s request: %r", kind, error, exc_info=error)
