"""LocalSlack: the in-process Slack server that tests and the demo talk to."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from types import TracebackType

import aiohttp
from aiohttp import web

from . import api_chat, api_conversations, api_files, api_misc, oauth
from .actions_interactive import InteractiveActions
from .actions_messages import MessageActions
from .actions_workspace import WorkspaceActions
from .events import envelope, rate_limited_body
from .files import handle_upload
from .http_delivery import signed_headers
from .responses import handle_response
from .tenants import Tenancy
from .types import JSON, ApiCall, ApiError, Delivery, LocalSlackError
from .webapi import Fault, WebApi

MAX_BODY = 8 * 1024 * 1024


class LocalSlack(MessageActions, WorkspaceActions, InteractiveActions, Tenancy):
    """A faithful local Slack: Web API, Events API over HTTP or Socket Mode, response_urls."""

    def __init__(
        self,
        team_id: str = "T0001",
        signing_secret: str = "local-secret",
        *,
        team_name: str = "Local Workspace",
        bot_name: str = "serendip",
        enterprise_id: str | None = None,
    ) -> None:
        """Create the workspace (in an Enterprise Grid org if `enterprise_id`); call start()
        to serve it."""
        super().__init__(team_id, signing_secret, team_name, bot_name)
        self.ident.enterprise_id = enterprise_id
        self.tenants = {}  # the workspaces added after the first (localslack/tenants.py)
        methods = {
            **api_chat.METHODS,
            **api_conversations.METHODS,
            **api_misc.METHODS,
            **api_files.METHODS,
            **oauth.METHODS,
        }
        self.api = WebApi(self, methods, channel_of=api_chat.channel_id)
        self._runner: web.AppRunner | None = None

    # identity -------------------------------------------------------------
    @property
    def url(self) -> str:
        """The server's base URL, "http://127.0.0.1:PORT/"."""
        return self.ident.url

    @property
    def api_url(self) -> str:
        """The Web API base URL (SLACK_API_URL for the bot)."""
        return self.ident.url + "api/"

    @property
    def team_id(self) -> str:
        """The workspace id."""
        return self.ident.team_id

    @property
    def signing_secret(self) -> str:
        """The request-signing secret."""
        return self.ident.signing_secret

    @property
    def bot_token(self) -> str:
        """The bot token, "xoxb-local-<team>"."""
        return self.ident.bot_token

    @property
    def app_token(self) -> str:
        """The app-level token, "xapp-local-<team>"."""
        return self.ident.app_token

    @property
    def bot_user_id(self) -> str:
        """The bot's user id."""
        return self.ident.bot_user_id

    @property
    def bot_id(self) -> str:
        """The bot's bot id."""
        return self.ident.bot_id

    @property
    def app_id(self) -> str:
        """The app id."""
        return self.ident.app_id

    # lifecycle ------------------------------------------------------------
    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/api/{method}", self.api.handle)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_get("/link/", self.hub.handle)
        app.router.add_get("/link", self.hub.handle)
        app.router.add_post("/response/{key:.+}", self._response)
        app.router.add_post("/upload/v1/{ticket}", self._upload)
        app.router.add_get("/files-pri/{key}/{name}", self._file_private)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        for space in self.workspaces.values():
            space.ident.url = f"http://127.0.0.1:{port}/"
        self.dispatcher.session = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Close sockets, cancel deliveries and stop serving."""
        await self.hub.close_all()
        await self.dispatcher.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalSlack:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        await self.stop()

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        """Serve the OAuth authorize page (localslack/oauth.py)."""
        return await oauth.authorize_page(self, request)

    async def _response(self, request: web.Request) -> web.Response:
        """Serve a response_url, in the workspace that issued it (its key starts with the team)."""
        team = request.match_info.get("key", "").partition("/")[0]
        return await handle_response(self.workspaces.get(team, self), request)

    async def _upload(self, request: web.Request) -> web.Response:
        """Serve an upload URL of files.getUploadURLExternal."""
        return await handle_upload(self.uploads, request)

    async def _file_private(self, request: web.Request) -> web.Response:
        """Serve a file's url_private to the bot token, as Slack serves it to its members."""
        team, _, file_id = request.match_info["key"].partition("-")
        stored = self.uploads.files.get(file_id)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self._team_of(token) != team:  # only a token of the file's workspace reads it
            raise web.HTTPForbidden(text="not allowed")
        if stored is None or not stored.completed or stored.name != request.match_info["name"]:
            raise web.HTTPNotFound(text="file not found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _team_of(self, token: str) -> str | None:
        """The workspace a bot token acts in (None: no valid token, or the app is gone)."""
        try:
            space = self.tenant_for(token, {})
        except ApiError:
            return None
        return space.ident.team_id if space.installed else None

    # delivery mode --------------------------------------------------------
    def deliver_http(
        self, url: str, retry_delays: tuple[float, ...] = (0.0, 0.05, 0.2), timeout: float = 3.0
    ) -> None:
        """Deliver events, commands and interactions by POSTing to a loopback URL."""
        self.dispatcher.use_http(url, retry_delays, timeout)

    def deliver_socket(self, ack_timeout: float = 3.0, connect_timeout: float = 10.0) -> None:
        """Deliver over Socket Mode (the default); envelopes wait connect_timeout for a socket."""
        self.dispatcher.use_socket(ack_timeout, connect_timeout)

    def deliver_off(self) -> None:
        """Send nothing to the bot; deliveries are still recorded (status "off")."""
        self.dispatcher.use_off()

    @property
    def connected_sockets(self) -> int:
        """How many live Socket Mode connections there are."""
        return self.hub.connected

    async def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109 (see the hub and dispatcher)
        """Wait until at least count Socket Mode clients are connected."""
        await self.hub.wait_connected(count, timeout)

    async def disconnect_sockets(self, reason: str = "refresh_requested") -> None:
        """Send {"type": "disconnect"} to every socket; new envelopes wait for a new one."""
        await self.hub.disconnect_all(reason)

    # what happened --------------------------------------------------------
    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery so far, in order of creation."""
        return self.dispatcher.deliveries

    def calls_of(self, method: str) -> list[ApiCall]:
        """The recorded Web API calls of one method."""
        return [c for c in self.calls if c.method == method]

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes uploaded for a file (None: unknown or not uploaded yet)."""
        stored = self.uploads.files.get(file_id)
        return stored.data if stored is not None else None

    def limit_uploads(self, max_bytes: int) -> None:
        """Refuse files.getUploadURLExternal for files larger than this (Slack: 1 GB)."""
        self.uploads.max_bytes = max_bytes

    async def wait_idle(self, timeout: float = 10.0, settle: float = 0.0) -> None:  # noqa: ASYNC109 (see the hub and dispatcher)
        """Wait until no delivery is pending (optionally none for settle more seconds)."""
        await self.dispatcher.wait_idle(timeout, settle)

    # fault injection ------------------------------------------------------
    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        """The next calls of a method answer 429 with an integer Retry-After."""
        self.api.inject(method, Fault(429, "ratelimited", times, retry_after))

    def fail_next(
        self, method: str, error: str = "internal_error", status: int = 500, times: int = 1
    ) -> None:
        """The next calls of a method answer this status and error."""
        self.api.inject(method, Fault(status, error, times))

    def set_latency(self, seconds: float) -> None:
        """Every Web API call answers after `seconds` (a slow Slack: acks must not wait)."""
        self.api.latency = seconds

    def lose_answer(self, method: str, times: int = 1) -> None:
        """The next calls of a method are carried out, but answer 500 (a crash after the act)."""
        self.api.inject(method, Fault(500, "internal_error", times, after=True))

    def set_post_limits(
        self,
        per_minute: int | None = None,
        per_channel_per_second: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Refuse chat posts over these rates with 429 (None: off); clock defaults to monotonic."""
        self.api.limits.configure(per_minute, per_channel_per_second, clock)

    @property
    def rate_limited_count(self) -> int:
        """How many calls set_post_limits() limits have refused so far."""
        return self.api.limits.refused

    # raw deliveries -------------------------------------------------------
    async def send_event(self, event: JSON, event_id: str | None = None) -> Delivery:
        """Wrap any inner event in an event_callback envelope and deliver it."""
        body = envelope(self.ident, copy.deepcopy(event), event_id, False)
        return await self.dispatcher.submit("events_api", body, body["event_id"])

    async def send_app_rate_limited(self, minute: int | None = None) -> Delivery:
        """Slack, past 30,000 events an hour, POSTs `app_rate_limited` to the Request URL."""
        # Real Slack drops the events and sends this, naming the minute, with no inner event.
        if self.dispatcher.mode != "http":
            raise LocalSlackError("app_rate_limited goes to the Request URL: deliver_http() first")
        minute = int(time.time()) // 60 * 60 if minute is None else minute
        return await self.dispatcher.submit("events_api", rate_limited_body(self.ident, minute))

    async def send_raw(
        self, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str, dict[str, str]]:
        """POST bytes as-is to the bot's URL (HTTP mode only): (status, body, headers)."""
        if self.dispatcher.mode != "http":
            raise RuntimeError("send_raw needs deliver_http()")
        status, text, resp_headers = await self.dispatcher.transport().post(body, headers)
        if isinstance(status, str):
            raise ConnectionError(status)
        return status, text, resp_headers

    async def send_signed(
        self,
        body: bytes,
        content_type: str = "application/json",
        timestamp: str | None = None,
        secret: str | None = None,
    ) -> tuple[int, str]:
        """Sign bytes (optionally with another timestamp or secret) and POST them once."""
        headers = signed_headers(secret or self.signing_secret, body, content_type, timestamp)
        status, text, _ = await self.send_raw(body, headers)
        return status, text
