"""`app_uninstalled` and `tokens_revoked`: start the grace period before deleting a workspace."""

from __future__ import annotations

import time
from typing import Any

from bot.inbox import INBOX_SEQ
from bot.store import Store


async def handle_app_uninstalled(store: Store, context: dict[str, Any]) -> None:
    """The app was removed: the workspace's data goes after SERENDIP_UNINSTALL_GRACE_DAYS."""
    await store.mark_uninstalled(context["team_id"], time.time(), context.get(INBOX_SEQ, 0))


async def handle_tokens_revoked(
    event: dict[str, Any], store: Store, context: dict[str, Any]
) -> None:
    """The bot token was revoked: the same as an uninstall (user tokens alone are not)."""
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and tokens.get("bot"):
        await store.mark_uninstalled(context["team_id"], time.time(), context.get(INBOX_SEQ, 0))
