"""The app factory: a Bolt AsyncApp wired to the store, with every listener registered."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.envelopes import event_body_fields
from bot.inbox import INBOX_SEQ, InboxWorker
from bot.installations import oauth_settings
from bot.leases import LEASE_SECONDS, claims_for
from bot.pacer import Pacer
from bot.slack_client import make_client
from bot.store import Store, is_storage_error
from bot.team_settings import team_config
from bot.workspace_clients import Pacers
from handlers import register_all
from handlers.commands.errors import command_error_answer

log = logging.getLogger(__name__)
FROM_INBOX = "serendip_from_inbox"
STORE_FAILURE = "serendip_store_failure"  # context key: the store error a listener hit
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")


class SerendipApp(AsyncApp):
    """An AsyncApp whose events go through the inbox (see bot/inbox.py).

    A delivered event is stored, once per event id, and acknowledged; the inbox worker then
    dispatches it again, marked as coming from the inbox, to run the listeners. Listeners run
    before the response (process_before_response), so the worker knows when one is done.
    Slash commands and interactivity are answered directly, as Slack expects.
    """

    def __init__(self, store: Store, lease_seconds: float = LEASE_SECONDS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        # On PostgreSQL, other replicas may serve the same inbox: this one leases partitions.
        claims = claims_for(store, lease_seconds)
        self.inbox = InboxWorker(store, self.dispatch_stored, claims=claims)

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Store events in the inbox and acknowledge; dispatch everything else."""
        key = event_body_fields(req.body)
        if key is None or req.context.get(FROM_INBOX):
            return await super().async_dispatch(req)
        # Socket Mode hands Bolt a parsed body; HTTP mode keeps the raw one.
        refused = await self.accept_event(*key, req.raw_body or json.dumps(req.body))
        # Not acknowledged (Socket Mode acknowledges 200 only): Slack delivers it again.
        return BoltResponse(status=503, body=refused) if refused else BoltResponse(status=200)

    async def accept_event(self, team_id: str, event_id: str, raw: str) -> str | None:
        """Store a delivered event in the inbox (once per id) and wake the worker; returns
        why it was refused instead (the store cannot write), or None."""
        refused = self.inbox.refusal()
        if refused is not None:
            return refused
        try:
            if await self.store.enqueue_event(team_id, event_id, raw):
                self.inbox.accepted()
        except Exception as exc:
            if not is_storage_error(exc):
                raise
            return self.inbox.refused(str(exc))
        return None

    async def dispatch_stored(self, seq: int, body: str) -> int:
        """Run the listeners on an event taken from the inbox; returns Bolt's status."""
        # Socket mode: the request was verified when it arrived, and must not be again.
        context = {FROM_INBOX: True, INBOX_SEQ: seq}
        request = AsyncBoltRequest(body=body, mode="socket_mode", context=context)
        key = event_body_fields(request.body)
        if key and request.body["event"].get("type") not in UNINSTALL_EVENTS:
            await self.store.note_activity(key[0], seq)  # the workspace is (still, or again) here
        status = (await super().async_dispatch(request)).status
        failure = request.context.get(STORE_FAILURE)
        if isinstance(failure, Exception):
            raise failure  # not the listener's fault: the inbox keeps the event for a retry
        if self.oauth_flow is not None and not self._authorized(request):
            # No installation for this workspace: the inbox keeps the event as failed (its
            # status says why) rather than marking it done as Bolt's answer 200 would.
            log.warning("inbox event %s: no installation for workspace %s", seq, key and key[0])
            return 401
        return status

    @staticmethod
    def _authorized(request: AsyncBoltRequest) -> bool:
        """Whether Bolt found a workspace's installation for the request (uninstall events
        need none)."""
        event = request.body.get("event") or {}
        if event.get("type") in UNINSTALL_EVENTS or request.body.get("type") != "event_callback":
            return True
        return request.context.authorize_result is not None


def build_app(
    config: Config,
    store: Store,
    client: AsyncWebClient | None = None,
    socket_mode: bool = False,
    pacers: Pacers | None = None,
) -> SerendipApp:
    """Build the Bolt app; `socket_mode` skips signature checks (the socket is authenticated).
    Its posts keep to their workspace's pacer in `pacers` (shared with the scheduler's jobs)."""
    pacers = pacers or Pacers(lambda _team: Pacer(config.send_rate))
    client = client or make_client(config.bot_token, config.api_url, pacer=pacers.for_team(None))
    oauth: dict[str, Any] = {}
    if config.oauth:  # each workspace's token comes from its installation
        settings, authorize = oauth_settings(config, store, client)
        oauth = {"oauth_settings": settings, "authorize": authorize}
    app = SerendipApp(
        store,
        lease_seconds=config.lease_seconds,
        client=client,
        **oauth,
        signing_secret=config.signing_secret or "",
        request_verification_enabled=not socket_mode,
        process_before_response=True,
        logger=logging.getLogger("serendip.bolt"),
    )

    async def inject(context: dict[str, Any], next: Any) -> None:
        context["store"] = store
        # The workspace's own settings (changed by its admins in Home) over the environment's:
        # every listener reads the settings of the workspace it serves.
        context["config"] = await team_config(store, config, context.get("team_id"))
        context["defaults"] = config  # the environment's, which a workspace's own replace
        context["inbox"] = app.inbox
        context["later"] = app.inbox.later
        # Bolt hands each request a fresh AsyncWebClient; listeners get ours, whose posts
        # keep to the workspace's send rate: the app's own, or (installed by OAuth) one carrying
        # the token Bolt's authorize found for this request's workspace, and its pacer.
        token = context.get("token") if config.oauth else None
        context["client"] = (
            make_client(token, config.api_url, pacer=pacers.for_team(context.get("team_id")))
            if token
            else app.client
        )
        await next()

    app.use(inject)
    app.error(_log_error)
    register_all(app)
    return app


async def _log_error(
    error: Exception, body: dict[str, Any], context: dict[str, Any]
) -> BoltResponse | None:
    kind = body.get("type") if isinstance(body, dict) else None
    if is_storage_error(error):
        context[STORE_FAILURE] = error
        log.warning("a %s request could not be stored: %s", kind or "command", error)
    else:
        log.error("listener failed on a %s request: %r", kind, error, exc_info=error)
    # A slash command's person gets a sentence, not Slack's bare "failed with 500".
    return command_error_answer(error) if isinstance(body, dict) and "command" in body else None
