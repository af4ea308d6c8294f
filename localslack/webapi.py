"""The Web API endpoint: argument parsing, auth, fault injection, dispatch."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from .limits import PostLimits
from .posting import Posting
from .types import JSON, ApiCall, ApiError

log = logging.getLogger(__name__)
Handler = Callable[[Posting, "Args"], JSON]
ChannelOf = Callable[[Posting, "Args"], str | None]
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
CLIENT_METHODS = frozenset({"oauth.v2.access"})  # the app's id and secret, no token
SCOPES = (
    "app_mentions:read,channels:history,channels:read,groups:history,groups:read,im:history,"
    "im:read,im:write,mpim:history,chat:write,commands,reactions:read,reactions:write,"
    "users:read,links:read,links:write,team:read,files:write"
)


class Args:
    """A method's merged arguments with Slack-like coercion."""

    def __init__(self, data: JSON, token: str | None = None) -> None:
        """Wrap the merged query, form and JSON arguments (and the token they came with)."""
        self.data = data
        self.token = token

    def text(self, key: str, default: str | None = None) -> str | None:
        """A string argument (numbers are turned into strings)."""
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ApiError("invalid_arguments")
        return str(value)

    def need(self, key: str, error: str) -> str:
        """A required string argument; error when missing."""
        value = self.text(key)
        if value is None:
            raise ApiError(error)
        return value

    def integer(self, key: str, default: int) -> int:
        """An integer argument."""
        value = self.text(key)
        if value is None:
            return default
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            raise ApiError("invalid_arguments") from None

    def flag(self, key: str) -> bool:
        """A boolean argument ("1", "true", true)."""
        value = self.data.get(key)
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes")
        return bool(value)

    def structured(self, key: str, error: str) -> Any:
        """A JSON argument that may arrive as a JSON string (blocks, view...)."""
        value = self.data.get(key)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(error) from None
        return value


@dataclass
class Fault:
    """An injected failure for the next calls of one method."""

    status: int
    error: str
    times: int
    retry_after: int | None = None
    after: bool = False  # the method is carried out first: the answer, not the act, is lost


def basic_credentials(header: str) -> dict[str, str]:
    """client_id and client_secret from an HTTP Basic Authorization header (as slack_sdk sends
    them), or nothing."""
    if not header.lower().startswith("basic "):
        return {}
    try:
        raw = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return {}
    client_id, colon, client_secret = raw.partition(":")
    return {"client_id": client_id, "client_secret": client_secret} if colon else {}


class WebApi:
    """Serves /api/<method> for one local Slack."""

    def __init__(
        self, sim: Posting, methods: dict[str, Handler], channel_of: ChannelOf | None = None
    ) -> None:
        """Bind the handlers to the simulator state (channel_of: a call's channel id)."""
        self.sim = sim
        self.methods = methods
        self.faults: dict[str, list[Fault]] = {}
        self.limits = PostLimits()
        self.channel_of = channel_of
        self.latency = 0.0  # seconds every Web API answer takes (a slow Slack, for ack tests)

    def inject(self, method: str, fault: Fault) -> None:
        """Queue a fault for a method."""
        self.faults.setdefault(method, []).append(fault)

    def _fault(self, method: str) -> Fault | None:
        """Take one use of the first queued fault of a method."""
        queue = self.faults.get(method, [])
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    async def _parse(self, request: web.Request) -> tuple[JSON, str | None]:
        """Merge query, form and JSON arguments; take the token out."""
        args: JSON = dict(request.query.items())
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
        else:
            args.update(self._body_args(await request.read(), request.content_type))
        token = args.pop("token", None)
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        args.update(basic_credentials(header))
        return args, token if isinstance(token, str) and token else None

    @staticmethod
    def _body_args(raw: bytes, content_type: str) -> JSON:
        """Decode a JSON or form body into arguments."""
        if not raw.strip():
            return {}
        if content_type == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError("invalid_json") from None
            if not isinstance(body, dict):
                raise ApiError("invalid_json")
            return body
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            raise ApiError("invalid_form_data") from None

    def _auth(self, method: str, token: str | None, args: JSON) -> Posting:
        """The workspace the token acts in, or the error Slack gives for a missing, wrong or
        unsuitable token."""
        ident = self.sim.ident
        if method in CLIENT_METHODS:
            return self.sim
        if token is None:
            raise ApiError("not_authed")
        if token == ident.app_token:
            if method not in APP_TOKEN_METHODS:
                raise ApiError("not_allowed_token_type")
            return self.sim
        space = self._workspace_of(token, args)
        if not space.installed:
            raise ApiError("token_revoked")
        if method in APP_TOKEN_METHODS:
            raise ApiError("not_allowed_token_type")
        return space

    def _workspace_of(self, token: str, args: JSON) -> Posting:
        """The workspace a bot token belongs to (one local Slack may hold several)."""
        tenant_for = getattr(self.sim, "tenant_for", None)
        if tenant_for is not None:
            space: Posting = tenant_for(token, args)
            return space
        if token != self.sim.ident.bot_token and token not in self.sim.oauth.tokens:
            raise ApiError("invalid_auth")
        return self.sim

    def _call(self, method: str, args: JSON, token: str | None) -> JSON:
        """Authorize, apply faults and run the method."""
        handler = self.methods.get(method)
        if handler is None:
            raise ApiError("unknown_method")
        sim = self._auth(method, token, args)
        fault = self._fault(method)
        if fault is not None and fault.after:
            self.methods[method](sim, Args(args, token))
            raise ApiError(fault.error, fault.status)
        if fault is not None:
            retry = {} if fault.retry_after is None else {"retry_after": fault.retry_after}
            raise ApiError(fault.error, fault.status, **retry)
        wrapped = Args(args, token)
        channel = None
        if self.channel_of is not None and self.limits.needs_channel(method):
            channel = self.channel_of(sim, wrapped)
        wait = self.limits.check(method, channel)
        if wait is not None:
            raise ApiError("ratelimited", 429, retry_after=wait)
        result = handler(sim, wrapped)
        self.limits.record(method, channel)
        return result

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one Web API request; never let a hostile request crash the server."""
        method = request.match_info.get("method", "")
        args: JSON = {}
        token: str | None = None
        if self.latency and method not in APP_TOKEN_METHODS:
            await asyncio.sleep(self.latency)
        try:
            args, token = await self._parse(request)
            result = self._call(method, args, token)
        except web.HTTPException:
            raise
        except ApiError as exc:
            return self._error(method, args, token, exc)
        except Exception:
            log.exception("local slack: %s crashed", method)
            self.sim.server_errors.append(traceback.format_exc())
            return self._error(method, args, token, ApiError("internal_error"))
        self.sim.calls.append(ApiCall(method, args, token, True, None))
        headers = {"X-OAuth-Scopes": SCOPES} if method == "auth.test" else None
        return web.json_response({"ok": True, **result}, headers=headers)

    def _error(self, method: str, args: JSON, token: str | None, exc: ApiError) -> web.Response:
        """Record and answer an error."""
        self.sim.calls.append(ApiCall(method, args, token, False, exc.error))
        headers: dict[str, str] = {}
        retry_after = exc.extra.pop("retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(int(retry_after))
        body = {"ok": False, "error": exc.error, **exc.extra}
        return web.json_response(body, status=exc.status, headers=headers)
