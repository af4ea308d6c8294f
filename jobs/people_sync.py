"""Time zones for digests: the workspace's people from `users.list`, refreshed daily.

`user_change` events keep them current in between (handlers/events/users.py).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import UserInfo, user_from_api
from bot.store import Store
from bot.workspace_clients import Clients

log = logging.getLogger(__name__)
PAGE = 200


async def refresh_workspaces(store: Store, clients: Clients) -> int:
    """Refresh the people of every workspace the jobs serve; returns how many people."""
    people = 0
    for team_id in await clients.teams():
        if (poster := await clients(team_id)) is not None:
            people += await refresh_people(store, poster.client, team_id)
    return people


async def refresh_people(store: Store, client: AsyncWebClient, team: str | None = None) -> int:
    """Store everyone `users.list` returns (names, time zones, status) and the workspace's
    address, for `team` or the token's own workspace; returns how many people."""
    try:
        me = await client.auth_test()
        team_id = team or str(me["team_id"])
        url = me.get("url")
        if team_id == me.get("team_id") and isinstance(url, str) and url.startswith("http"):
            # Digests build message links from it; asked here, where auth.test is asked anyway
            # (an organisation's token answers for the organisation: no workspace address).
            await store.remember_workspace_url(team_id, url)
        people: list[UserInfo] = []
        cursor: str | None = None
        # An organisation-wide token lists one workspace's people when told which.
        which = team if team and team != me.get("team_id") else None
        while True:
            page = await client.users_list(limit=PAGE, cursor=cursor, team_id=which)
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
