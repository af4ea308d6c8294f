"""`user_change`: time zone, name, admin rights and deactivation."""

from __future__ import annotations

from typing import Any

from bot.models import UserInfo
from bot.store import Store


def user_from_api(team_id: str, data: dict[str, Any]) -> UserInfo:
    """A UserInfo from a users.info / users.list / user_change `user` object."""
    raw_profile = data.get("profile")
    profile: dict[str, Any] = raw_profile if isinstance(raw_profile, dict) else {}
    return UserInfo(
        team_id=team_id,
        id=str(data["id"]),
        name=profile.get("display_name") or data.get("name"),
        real_name=data.get("real_name") or profile.get("real_name"),
        tz=data.get("tz"),
        is_admin=bool(data.get("is_admin")),
        is_owner=bool(data.get("is_owner")),
        is_bot=bool(data.get("is_bot")),
        deleted=bool(data.get("deleted")),
    )


async def handle_user_change(event: dict[str, Any], store: Store, context: dict[str, Any]) -> None:
    """Keep a person's time zone and status current (nothing for people who opted out)."""
    user = event.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        return
    team_id = context["team_id"]
    if await store.opted_out(team_id, str(user["id"])):
        return
    await store.save_user(user_from_api(team_id, user))
