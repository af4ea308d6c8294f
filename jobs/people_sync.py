"""Time zones for digests: the workspace's people from `users.list`, refreshed daily.

`user_change` events keep them current in between (handlers/events/users.py).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import UserInfo, user_from_api
from bot.store import Store

log = logging.getLogger(__name__)
PAGE = 200


async def refresh_people(store: Store, client: AsyncWebClient) -> int:
    """Store everyone `users.list` returns (names, time zones, status) and the workspace's
    address; returns how many people."""
    try:
        me = await client.auth_test()
        team_id = str(me["team_id"])
        if isinstance(url := me.get("url"), str) and url.startswith(("https://", "http://")):
            # Digests build message links from it; asked here, where auth.test is asked anyway.
            await store.remember_workspace_url(team_id, url)
        people: list[UserInfo] = []
        cursor: str | None = None
        while True:
            page = await client.users_list(limit=PAGE, cursor=cursor)
            people += [user_from_api(team_id, u) for u in page.get("members") or [] if u.get("id")]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except SlackApiError as exc:
        log.warning(
            "users.list failed (%s); time zones stay as they were", exc.response.get("error")
        )
        return 0
    return await store.save_users(people)
