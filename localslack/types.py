"""Plain data types shared by the local Slack modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]


class LocalSlackError(ValueError):
    """Raised when a simulated person does something Slack would not allow."""


class ApiError(Exception):
    """A Web API error answered as {"ok": false, "error": code}."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        """Keep the Slack error code, the HTTP status and extra response fields."""
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


@dataclass
class ApiCall:
    """One Web API request as the local Slack received it."""

    method: str
    args: JSON
    token: str | None
    ok: bool
    error: str | None


@dataclass
class Delivery:
    """One payload sent (or attempted) to the bot, with every attempt's outcome."""

    event_id: str | None
    type: str
    payload: JSON
    attempts: int = 0
    acked: bool = False
    statuses: list[int | str] = field(default_factory=list)
    ack_payload: JSON | None = None
    envelope_id: str | None = None
    mode: str = ""
    done: bool = False


@dataclass
class Ack:
    """The bot's answer to a slash command or interactive payload (status 0: no answer)."""

    status: int
    body: JSON | None


Decision = Literal["allow", "deny"]


@dataclass
class OAuthApp:
    """The app as registered with the local Slack, and what it has been granted."""

    client_id: str = "1111.2222"
    client_secret: str = "local-client-secret"
    redirect_uri: str | None = None  # the app's configured Redirect URL
    decision: Decision = "allow"  # what the installer answers on the authorize page
    installer: str | None = None  # who installs (default: the workspace's first person)
    rotation: bool = False  # token rotation on: tokens expire and come with refresh tokens
    expires_in: int = 43200
    codes: dict[str, str] = field(default_factory=dict)  # unused code -> its scopes
    tokens: set[str] = field(default_factory=set)  # bot tokens issued and not revoked
    grants: dict[str, str] = field(default_factory=dict)  # token -> its team id (org-wide: E id)
    next_team: str | None = None  # the workspace the next installer is in (None: the first)
    org_wide: bool = False  # the next install is org-wide (next_team names a workspace of it)
    code_targets: dict[str, tuple[str, bool]] = field(default_factory=dict)  # code -> team, org
    refresh: set[str] = field(default_factory=set)  # refresh tokens not yet used
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
