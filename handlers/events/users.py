"""`user_change`: time zone, name, admin rights and deactivation."""

from __future__ import annotations

from typing import Any

from bot.models import user_from_api
from bot.store import Store


async def handle_user_change(event: dict[str, Any], store: Store, context: dict[str, Any]) -> None:
    """Keep a person's time zone and status current (nothing for people who opted out)."""
    user = event.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        return
    team_id = context["team_id"]
    if await store.opted_out(team_id, str(user["id"])):
        return
    await store.save_user(user_from_api(team_id, user))
