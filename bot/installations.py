"""Bolt's installation and OAuth state stores, kept in Serendip's own database (not files).

Only bot installations are kept: Serendip asks for no user scopes, so an installation is one
row per workspace (or organisation), replaced by a reinstall or by refreshed tokens. A state is
`<nonce>.<signature>`, signed with SERENDIP_STATE_SECRET: a forged one is refused before the
database is asked, and a signed one is consumed there once, before it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import secrets
from typing import Any

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config, ConfigError
from bot.store import Installed, Store

log = logging.getLogger(__name__)
STATE_SECONDS = 600  # how long an installer has between /slack/install and the redirect
# The bot scopes of manifest.yml (tests/test_manifest.py checks they are the same).
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "chat:write",
    "files:write",
    "commands",
    "reactions:read",
    "users:read",
    "team:read",
)


def _key(enterprise_id: str | None, team_id: str | None, org: bool | None) -> tuple[str, str]:
    """The store's key of a workspace: an organisation-wide install has no team."""
    return enterprise_id or "", "" if org else team_id or ""


def installed_of(source: Installation | Bot) -> Installed:
    """What the store keeps of an installation (or a bot with refreshed tokens)."""
    if not source.bot_token:
        raise BoltError("the installation carries no bot token")  # Serendip asks for a bot
    org = bool(source.is_enterprise_install)
    enterprise_id, team_id = _key(source.enterprise_id, source.team_id, org)
    expires = source.bot_token_expires_at
    return Installed(
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token=source.bot_token,
        bot_id=source.bot_id,
        bot_user_id=source.bot_user_id,
        bot_scopes=",".join(source.bot_scopes or []),
        bot_refresh_token=source.bot_refresh_token,
        bot_token_expires_at=None if expires is None else float(expires),
        installer=getattr(source, "user_id", None),
        app_id=source.app_id,
        enterprise_name=source.enterprise_name,
        team_name=source.team_name,
        is_enterprise_install=org,
        token_type=getattr(source, "token_type", None) or "bot",
    )


def _fields(row: Installed) -> dict[str, Any]:
    """The fields Bot and Installation share, from a stored row."""
    return {
        "app_id": row.app_id,
        "enterprise_id": row.enterprise_id or None,
        "enterprise_name": row.enterprise_name,
        "team_id": row.team_id or None,
        "team_name": row.team_name,
        "bot_token": row.bot_token,
        "bot_id": row.bot_id,
        "bot_user_id": row.bot_user_id,
        "bot_scopes": row.bot_scopes,
        "bot_refresh_token": row.bot_refresh_token,
        "bot_token_expires_at": None
        if row.bot_token_expires_at is None
        else int(row.bot_token_expires_at),
        "is_enterprise_install": row.is_enterprise_install,
        "installed_at": row.installed_at,
    }


def bot_of(row: Installed) -> Bot:
    """Bolt's Bot of a stored installation (for refreshing its token)."""
    return Bot(**_fields(row))


class StoreInstallations(AsyncInstallationStore):
    """Bolt's installation store over the store's installation verbs."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        """Where Bolt's code logs about this store."""
        return log

    async def async_save(self, installation: Installation) -> None:
        """Keep a new installation (or one whose tokens were refreshed)."""
        await self.store.save_installation(installed_of(installation))
        log.info("installed in %s", installation.team_id or installation.enterprise_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """Keep a bot whose tokens were refreshed."""
        await self.store.save_installation(installed_of(bot))

    async def _find(
        self, enterprise_id: str | None, team_id: str | None, org: bool | None
    ) -> Installed | None:
        return await self.store.find_installation(*_key(enterprise_id, team_id, org))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's bot, or None when the app is not installed there."""
        row = await self._find(enterprise_id, team_id, is_enterprise_install)
        return None if row is None else bot_of(row)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The workspace's installation; asked for a person's, only the installer's (no other
        person's token is kept)."""
        row = await self._find(enterprise_id, team_id, is_enterprise_install)
        if row is None or (user_id is not None and user_id != row.installer):
            return None
        return Installation(user_id=row.installer or "", token_type=row.token_type, **_fields(row))

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget the workspace's bot."""
        await self.store.delete_installation(*_key(enterprise_id, team_id, team_id is None))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget the workspace's installation (a person's alone: there is none to forget)."""
        if user_id is None:
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class StoreStates(AsyncOAuthStateStore):
    """Bolt's OAuth state store: signed states, each consumed once, within STATE_SECONDS."""

    def __init__(self, store: Store, secret: str, lifetime: float = float(STATE_SECONDS)) -> None:
        self.store = store
        self._key = secret.encode()
        self.lifetime = lifetime

    @property
    def logger(self) -> logging.Logger:
        """Where Bolt's code logs about this store."""
        return log

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state for one installer, kept until it is consumed or expires."""
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._sign(nonce)}"
        await self.store.issue_oauth_state(state, self.lifetime)
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this deployment issued and that has not expired."""
        nonce, _, signature = (state or "").partition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(nonce).encode()):
            log.warning("an OAuth redirect carried a state this deployment never signed")
            return False
        if not await self.store.consume_oauth_state(state):
            log.warning("an OAuth redirect carried a state already used or expired")
            return False
        return True


WHY = {
    "access_denied": "The install was cancelled in Slack: Serendip was not added.",
    "invalid_browser": "This page was opened in another browser than the install began in.",
    "invalid_state": "This install link was already used or has expired (after 10 minutes).",
    "invalid_code": "Slack refused the install code; the operator's client id or secret may"
    " be wrong (the log says more).",
    "storage_error": "The installation could not be saved; the log says more.",
}


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    """Bolt's own thank-you page, with a link to open Slack."""
    return await args.default.success(args)


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    """A page saying in one sentence why nothing was installed, and how to start again."""
    why = WHY.get(args.reason, "Slack did not complete the install.")
    log.warning("an OAuth install failed: %s", args.reason)
    body = (
        "<!DOCTYPE html><html><head><title>Serendip was not installed</title></head><body>"
        f"<h2>Serendip was not installed</h2><p>{html.escape(why)}"
        f" (reason: {html.escape(args.reason)})</p>"
        f'<p><a href="{html.escape(args.settings.install_path)}">Start the install again</a>'
        "</p></body></html>"
    )
    return BoltResponse(
        status=args.suggested_status_code,
        body=body,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def oauth_settings(
    config: Config, store: Store, client: AsyncWebClient
) -> tuple[AsyncOAuthSettings, AsyncInstallationStoreAuthorize]:
    """Bolt's OAuth settings over the store, and the authorize step that finds each
    workspace's token (refreshing it when it rotates) through `client`, on SLACK_API_URL."""
    if not (config.client_id and config.client_secret and config.state_secret):
        raise ConfigError(
            "installing by OAuth needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SERENDIP_STATE_SECRET"
        )
    installations = StoreInstallations(store)
    settings = AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        state_store=StoreStates(store, config.state_secret),
        state_expiration_seconds=STATE_SECONDS,
        authorization_url=config.authorize_url,
        callback_options=AsyncCallbackOptions(success=_installed, failure=_failed),
    )
    # Bolt's own authorize would refresh tokens through slack.com whatever SLACK_API_URL says.
    authorize = AsyncInstallationStoreAuthorize(
        logger=log,
        installation_store=installations,
        client_id=config.client_id,
        client_secret=config.client_secret,
        token_rotation_expiration_minutes=settings.token_rotation_expiration_minutes,
        client=client,
    )
    return settings, authorize
