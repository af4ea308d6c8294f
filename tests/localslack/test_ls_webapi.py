"""Web API wire behaviour, checked with the real slack_sdk client and raw HTTP."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack


async def test_auth_test_returns_bot_identity(slack: LocalSlack, client: AsyncWebClient) -> None:
    resp = await client.auth_test()
    assert resp["bot_id"] == "BBOT0001"
    assert resp["user_id"] == slack.bot_user_id == "UBOT0001"
    assert resp["team_id"] == "T0001"
    assert resp["app_id"] == "ALOCAL"
    assert resp["url"] == slack.url
    assert "chat:write" in resp.headers["X-OAuth-Scopes"]
    assert slack.url.startswith("http://127.0.0.1:")
    assert slack.api_url == slack.url + "api/"


async def test_bad_tokens(slack: LocalSlack) -> None:
    wrong = AsyncWebClient(token="xoxb-nope", base_url=slack.api_url)
    with pytest.raises(SlackApiError) as err:
        await wrong.auth_test()
    assert err.value.response["error"] == "invalid_auth"
    anonymous = AsyncWebClient(base_url=slack.api_url)
    with pytest.raises(SlackApiError) as err:
        await anonymous.auth_test()
    assert err.value.response["error"] == "not_authed"
    app_level = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    with pytest.raises(SlackApiError) as err:
        await app_level.chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "not_allowed_token_type"
    errors = [c.error for c in slack.calls]
    assert errors == ["invalid_auth", "not_authed", "not_allowed_token_type"]


async def test_unknown_method(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.api_call("nothing.here")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "unknown_method"


async def test_arguments_from_query_form_and_json(slack: LocalSlack) -> None:
    auth = {"Authorization": f"Bearer {slack.bot_token}"}
    async with aiohttp.ClientSession() as http:
        url = slack.api_url + "chat.postMessage"
        async with http.get(url, params={"channel": "C1", "text": "q"}, headers=auth) as r:
            assert (await r.json())["ok"]
        form = {"channel": "C1", "text": "f", "token": slack.bot_token}
        async with http.post(url, data=form) as r:
            assert (await r.json())["ok"]
        async with http.post(
            url + "?channel=C1", json={"text": "j", "team_id": "T0001"}, headers=auth
        ) as r:
            assert r.status == 200
            assert (await r.json())["ok"]
    assert [m["text"] for m in slack.messages("C1")] == ["q", "f", "j"]
    last = slack.calls_of("chat.postMessage")[-1]
    assert last.args == {"channel": "C1", "text": "j", "team_id": "T0001"}
    assert last.token == slack.bot_token
    assert last.ok


async def test_hostile_bodies_never_crash(slack: LocalSlack) -> None:
    auth = {"Authorization": f"Bearer {slack.bot_token}"}
    url = slack.api_url + "chat.postMessage"
    bodies = [
        (b"{not json", "application/json", "invalid_json"),
        (b"[1, 2]", "application/json", "invalid_json"),
        (b"\xff\xfe\x00junk", "application/x-www-form-urlencoded", "invalid_form_data"),
        (b'{"channel": {"x": 1}, "text": "t"}', "application/json", "invalid_arguments"),
        (b'{"channel": "C1", "text": "t", "blocks": "[oops"}', "application/json", None),
        (b'{"channel": "C1", "text": ["a"]}', "application/json", "invalid_arguments"),
    ]
    async with aiohttp.ClientSession() as http:
        for body, ctype, error in bodies:
            headers = {**auth, "Content-Type": ctype}
            async with http.post(url, data=body, headers=headers) as r:
                answer = await r.json()
                assert r.status == 200
                assert answer["ok"] is False
                assert error is None or answer["error"] == error
        async with http.get(
            slack.api_url + "conversations.history",
            headers=auth,
            params={"channel": "C1", "limit": "lots"},
        ) as r:
            assert (await r.json())["error"] == "invalid_arguments"
    assert slack.server_errors == []


async def test_rate_limit_answers_429_with_integer_retry_after(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    slack.rate_limit("chat.postMessage", times=1, retry_after=3)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "3"
    assert err.value.response["error"] == "ratelimited"


async def test_rate_limit_retry_handler_recovers(slack: LocalSlack) -> None:
    handler = AsyncRateLimitErrorRetryHandler(max_retry_count=2)
    c = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[handler])
    slack.rate_limit("chat.postMessage", times=2, retry_after=0)
    started = time.monotonic()
    resp = await c.chat_postMessage(channel="C1", text="eventually")
    assert resp["ok"]
    assert time.monotonic() - started < 5
    assert [call.error for call in slack.calls_of("chat.postMessage")] == [
        "ratelimited",
        "ratelimited",
        None,
    ]
    assert len(slack.messages("C1")) == 1


async def test_fail_next_injects_server_errors(slack: LocalSlack, client: AsyncWebClient) -> None:
    slack.fail_next("conversations.history", error="internal_error", status=500, times=1)
    with pytest.raises(SlackApiError) as err:
        await client.conversations_history(channel="C1")
    assert err.value.response.status_code == 500
    assert (await client.conversations_history(channel="C1"))["ok"]
    slack.fail_next("users.info", error="fatal_error", status=200)
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U1")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "fatal_error"


async def test_connections_open_needs_app_token(slack: LocalSlack, client: AsyncWebClient) -> None:
    app = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    resp = await app.apps_connections_open(app_token=slack.app_token)
    port = slack.url.rsplit(":", 1)[1].rstrip("/")
    assert resp["url"].startswith(f"ws://127.0.0.1:{port}/link/?ticket=")
    with pytest.raises(SlackApiError) as err:
        await client.apps_connections_open(app_token=slack.bot_token)
    assert err.value.response["error"] == "not_allowed_token_type"


async def test_users_and_team(slack: LocalSlack, client: AsyncWebClient) -> None:
    ana = (await client.users_info(user="U1"))["user"]
    assert ana["tz"] == "Europe/Lisbon"
    assert ana["real_name"] == "Ana Lima"
    assert ana["tz_offset"] in (0, 3600)
    assert ana["profile"]["display_name"] == "ana"
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"
    ids = []
    async for page in await client.users_list(limit=2):
        assert len(page["members"]) <= 2
        ids += [m["id"] for m in page["members"]]
    assert ids == ["UBOT0001", "U1", "U2", "U3"]
    team = (await client.team_info())["team"]
    assert team["id"] == "T0001"


async def test_conversations_info_members_open(slack: LocalSlack, client: AsyncWebClient) -> None:
    info = (await client.conversations_info(channel="G1"))["channel"]
    assert info["is_private"]
    assert info["is_group"]
    assert not info["is_channel"]
    assert info["is_member"]
    assert not info["is_archived"]
    assert info["name"] == "secret"
    public = (await client.conversations_info(channel="C2"))["channel"]
    assert public["is_channel"]
    assert not public["is_member"]
    members = []
    async for page in await client.conversations_members(channel="C1", limit=1):
        members += page["members"]
    assert members == ["U1", "U2", "UBOT0001"]
    opened = await client.conversations_open(users="U3")
    assert opened["channel"]["id"].startswith("D")
    assert opened["channel"]["id"] == slack.dm_channel("U3")
    again = await client.conversations_open(users="U3", return_im=True)
    assert again["already_open"]
    assert again["channel"]["is_im"]
    assert again["channel"]["user"] == "U3"
    raw = json.dumps((await client.conversations_list(types="public_channel,private_channel")).data)
    assert '"C1"' in raw
    assert '"G1"' in raw
    assert '"C2"' in raw
