"""`app_uninstalled` and `tokens_revoked`: forget the installation at once, and start the grace
period before deleting the workspace's data (a reinstall within it keeps everything)."""

from __future__ import annotations

import time
from typing import Any

from bot.inbox import INBOX_SEQ
from bot.store import Store


def installation_key(context: dict[str, Any]) -> tuple[str, str]:
    """The store's key of the installation the event concerns: an organisation-wide install
    is the enterprise's, with no team."""
    enterprise = context.get("enterprise_id") or ""
    if context.get("is_enterprise_install") and enterprise:
        return enterprise, ""
    return enterprise, context.get("team_id") or ""


async def _leave(store: Store, context: dict[str, Any]) -> None:
    """Stop using the workspace's token now; its data goes after the grace period."""
    await store.mark_uninstalled(
        context["team_id"], time.time(), context.get(INBOX_SEQ, 0), installation_key(context)
    )


async def handle_app_uninstalled(store: Store, context: dict[str, Any]) -> None:
    """The app was removed: the workspace's data goes after SERENDIP_UNINSTALL_GRACE_DAYS."""
    await _leave(store, context)


async def handle_tokens_revoked(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """The bot token was revoked: the same as an uninstall (user tokens alone are not)."""
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and tokens.get("bot"):
        await _leave(store, context)
