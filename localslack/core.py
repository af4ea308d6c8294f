"""State shared by every part of the local Slack, and event emission."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass

from .dispatcher import Dispatcher
from .events import envelope
from .files import Uploads
from .objects import Identity
from .socket_mode import SocketHub
from .types import JSON, ApiCall, ApiError, Delivery, OAuthApp
from .util import TsClock, new_trigger_id
from .workspace import Channel, Workspace

Task = asyncio.Task[Delivery]
TRIGGER_TTL = 3.0


@dataclass
class ResponseTarget:
    """Where a response_url points: a channel and possibly the message acted on."""

    channel: str | None
    message_ts: str | None
    ephemeral: bool
    uses: int = 0


class Core:
    """The workspace, the app's identity, recorded traffic and event emission."""

    def __init__(self, team_id: str, signing_secret: str, team_name: str, bot_name: str) -> None:
        """Build an empty workspace with the bot installed."""
        self.ident = Identity(team_id, team_name, signing_secret, bot_name)
        self.ws = Workspace(team_id, self.ident.bot_user_id, bot_name)
        self.clock = TsClock()
        self.hub = SocketHub(self.ident.app_id)
        self.dispatcher = Dispatcher(self.hub, signing_secret)
        self.calls: list[ApiCall] = []
        self.responses: list[JSON] = []
        self.server_errors: list[str] = []
        self.home_views: dict[str, JSON] = {}
        self.uploads = Uploads()
        self.installed = True
        self.oauth = OAuthApp()  # the app as distributed by OAuth (localslack/oauth.py)
        self._modals: dict[str, JSON] = {}
        self._triggers: dict[str, float] = {}
        self._response_targets: dict[str, ResponseTarget] = {}

    def emit(
        self,
        event: JSON,
        ch: Channel | None = None,
        *,
        force: bool = False,
        event_id: str | None = None,
    ) -> Task | None:
        """Deliver an event if the bot can see it (installed; member of ch when given)."""
        if not self.installed and not force:
            return None
        seer: Core = self
        if ch is not None and not self.ws.bot_is_member(ch):
            # In an org-shared channel, another workspace's installation may see it: Slack
            # then sends the one event, naming that installation.
            other = self.seer_of(ch)
            if other is None:
                return None
            seer = other
        shared = ch is not None and self.ws.is_ext_shared(ch)
        actor = self.ws.users.get(event["user"]) if isinstance(event.get("user"), str) else None
        origin = actor.team_id if shared and actor is not None else None
        body = envelope(seer.ident, event, event_id, shared, origin)
        return self.dispatcher.submit("events_api", body, body["event_id"])

    def seer_of(self, ch: Channel) -> Core | None:
        """Another workspace whose bot is in this (org-shared) channel; one workspace: none."""
        return None

    async def finish(self, tasks: list[Task | None], wait: bool) -> list[Delivery]:
        """Wait for the deliveries of an action unless wait is False."""
        started = [t for t in tasks if t is not None]
        if not wait or not started:
            return []
        return list(await asyncio.gather(*started))

    def new_trigger(self) -> str:
        """A trigger_id valid for 3 seconds and one use."""
        trigger = new_trigger_id()
        self._triggers[trigger] = time.monotonic()
        return trigger

    def use_trigger(self, trigger: str) -> None:
        """Spend a trigger_id, or raise the error Slack gives for it."""
        issued = self._triggers.get(trigger)
        if issued is None:
            raise ApiError("invalid_trigger_id")
        if issued < 0:
            raise ApiError("exchanged_trigger_id")
        self._triggers[trigger] = -1.0
        if time.monotonic() - issued > TRIGGER_TTL:
            raise ApiError("expired_trigger_id")

    def new_response_url(self, channel: str | None, message_ts: str | None, ephemeral: bool) -> str:
        """A response_url served by the local Slack itself."""
        key = f"{self.ident.team_id}/{len(self._response_targets) + 1}/{secrets.token_hex(8)}"
        self._response_targets[key] = ResponseTarget(channel, message_ts, ephemeral)
        return f"{self.ident.url}response/{key}"

    def response_target(self, key: str) -> ResponseTarget | None:
        """The target of a response_url key, if it was issued."""
        return self._response_targets.get(key)

    def remember_modal(self, view: JSON) -> None:
        """Keep an opened modal so a later view_submission can refer to it."""
        self._modals[view["id"]] = view

    def modal(self, view_id: str) -> JSON | None:
        """An opened modal by view id, if any."""
        return self._modals.get(view_id)

    def modal_for(self, callback_id: str) -> JSON | None:
        """The most recently opened modal with this callback_id, if any."""
        matches = [v for v in self._modals.values() if v.get("callback_id") == callback_id]
        return matches[-1] if matches else None
