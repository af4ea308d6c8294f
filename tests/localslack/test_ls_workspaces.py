"""Several workspaces on one local Slack: tokens act in their own, OAuth installs into the
installer's, an Enterprise Grid org shares a channel and may install org-wide."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack
from localslack.tenants import Tenant
from tests.support.localslack import HttpBot


def _client(slack: LocalSlack, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=slack.api_url)


async def _install(slack: LocalSlack, team: str | None = None) -> dict[str, object]:
    """Go through the authorize page (choosing `team` there if given) and exchange the code."""
    query = f"client_id={slack.oauth.client_id}&scope=chat:write&state=s1&redirect_uri=http://x/"
    if team is not None:
        query += f"&team={team}"
    async with (
        aiohttp.ClientSession() as web,
        web.get(f"{slack.url}oauth/v2/authorize?{query}", allow_redirects=False) as page,
    ):
        code = parse_qs(urlparse(page.headers["Location"]).query)["code"][0]
    answer = await AsyncWebClient(base_url=slack.api_url).oauth_v2_access(
        client_id=slack.oauth.client_id, client_secret=slack.oauth.client_secret, code=code
    )
    return dict(answer.data)  # type: ignore[arg-type]


@pytest.fixture
async def two(slack: LocalSlack) -> Tenant:
    """A second workspace, T2, with its own person and channel."""
    other = slack.add_workspace("T2", name="Second")
    other.add_user("U9", name="zed")
    other.add_channel("C9", name="elsewhere", members=["U9"])
    return other


async def test_each_token_acts_only_in_its_workspace(slack: LocalSlack, two: Tenant) -> None:
    first, second = _client(slack, slack.bot_token), _client(slack, two.bot_token)
    me = await second.auth_test()
    assert (me["team_id"], me["team"], me["user_id"]) == ("T2", "Second", two.bot_user_id)
    assert me["user_id"] != slack.bot_user_id
    assert me["app_id"] == slack.app_id
    assert (await first.auth_test())["team_id"] == "T0001"
    await second.chat_postMessage(channel="C9", text="hi")
    assert [m["text"] for m in two.messages("C9")] == ["hi"]
    for client, channel in ((second, "C1"), (first, "C9")):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel=channel, text="leak")
        assert err.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as err:
        await second.users_info(user="U1")
    assert err.value.response["error"] == "user_not_found"
    posts = slack.calls_of("chat.postMessage")
    assert [(c.token, c.ok) for c in posts] == [
        (two.bot_token, True),
        (two.bot_token, False),
        (slack.bot_token, False),
    ]
    assert slack.messages("C1") == []


async def test_a_duplicate_workspace_is_refused(slack: LocalSlack, two: Tenant) -> None:
    for team in ("T2", slack.team_id):
        with pytest.raises(ValueError, match="exists"):
            slack.add_workspace(team)


async def test_oauth_installs_into_the_installers_workspace(slack: LocalSlack, two: Tenant) -> None:
    chosen = await _install(slack, team="T2")
    assert chosen["team"] == {"id": "T2", "name": "Second"}
    assert chosen["bot_user_id"] == two.bot_user_id
    assert chosen["authed_user"] == {"id": "U9"}
    slack.oauth.next_team = "T2"
    by_test = await _install(slack)
    assert by_test["team"] == {"id": "T2", "name": "Second"}
    token = str(chosen["access_token"])
    assert (await _client(slack, token).auth_test())["team_id"] == "T2"
    with pytest.raises(SlackApiError) as err:
        await _client(slack, token).conversations_info(channel="C1")
    assert err.value.response["error"] == "channel_not_found"
    await two.uninstall()
    with pytest.raises(SlackApiError) as err:
        await _client(slack, token).auth_test()
    assert err.value.response["error"] == "token_revoked"
    assert (await _client(slack, slack.bot_token).auth_test())["team_id"] == "T0001"


async def test_a_code_for_an_unknown_workspace_is_refused(slack: LocalSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        await _install(slack, team="T404")
    assert err.value.response["error"] == "invalid_code"


async def test_an_org_wide_token_acts_in_both_workspaces_of_the_org(slack: LocalSlack) -> None:
    t3 = slack.add_workspace("T3", name="Three", enterprise_id="E1")
    t4 = slack.add_workspace("T4", name="Four", enterprise_id="E1")
    t3.add_channel("C3", name="three")
    t4.add_channel("C4", name="four")
    slack.oauth.next_team, slack.oauth.org_wide = "T3", True
    answer = await _install(slack)
    assert answer["is_enterprise_install"] is True
    assert answer["team"] is None
    assert answer["enterprise"] == {"id": "E1", "name": "E1"}
    org = _client(slack, str(answer["access_token"]))
    await org.chat_postMessage(channel="C3", text="in three")
    await org.chat_postMessage(channel="C4", text="in four")
    assert [m["text"] for m in t3.messages("C3")] == ["in three"]
    assert [m["text"] for m in t4.messages("C4")] == ["in four"]
    me = await org.auth_test(team_id="T4")
    assert (me["team_id"], me["enterprise_id"], me["is_enterprise_install"]) == ("T4", "E1", True)
    with pytest.raises(SlackApiError) as err:
        await org.chat_postMessage(channel="C1", text="outside the org")
    assert err.value.response["error"] == "channel_not_found"
    own = await _client(slack, t3.bot_token).auth_test()
    assert own["is_enterprise_install"] is False


async def test_org_wide_needs_an_org(slack: LocalSlack) -> None:
    slack.oauth.org_wide = True
    with pytest.raises(SlackApiError) as err:
        await _install(slack)
    assert err.value.response["error"] == "invalid_code"


async def test_an_org_shared_channel_event_names_the_workspace_it_happened_in(
    slack: LocalSlack, http_bot: HttpBot
) -> None:
    t3 = slack.add_workspace("T3", enterprise_id="E1")
    t4 = slack.add_workspace("T4", enterprise_id="E1")
    t3.add_user("W3", name="tri")
    t4.add_user("W4", name="quad")
    t3.add_channel("C5", name="org-wide", members=["W3"])
    slack.org_share("C5", t3, t4)
    await t4.user_joins("W4", "C5")
    http_bot.requests.clear()
    await t4.post_message("W4", "C5", "seen by three")  # only Three's bot is in #C5
    [seen] = [json.loads(r.body) for r in http_bot.requests]
    assert (seen["team_id"], seen["authorizations"][0]["user_id"]) == ("T3", t3.bot_user_id)
    assert seen["event"]["user"] == "W4"
    await t3.bot_leaves("C5")
    http_bot.requests.clear()
    await t4.post_message("W4", "C5", "seen by none")
    assert [json.loads(r.body)["event"].get("text") for r in http_bot.requests] == []
    await t4.bot_joins("C5")
    http_bot.requests.clear()
    msg = await t4.post_message("W4", "C5", "hello org")
    assert [m["ts"] for m in t3.messages("C5") if m.get("text") == "hello org"] == [msg["ts"]]
    bodies = [json.loads(r.body) for r in http_bot.requests]
    said = [b for b in bodies if b["event"].get("text") == "hello org"]
    assert len(said) == 1  # one event, not one per workspace
    body = said[0]
    assert (body["team_id"], body["enterprise_id"], body["is_ext_shared_channel"]) == (
        "T4",
        "E1",
        False,
    )
    assert body["authorizations"] == [
        {
            "enterprise_id": "E1",
            "team_id": "T4",
            "user_id": t4.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    info = await _client(slack, t3.bot_token).conversations_info(channel="C5")
    assert info["channel"]["is_org_shared"] is True
    with pytest.raises(ValueError, match="Grid org"):
        slack.org_share("C1", slack, t3)


async def test_events_of_several_workspaces_at_once(slack: LocalSlack, http_bot: HttpBot) -> None:
    spaces: list[LocalSlack | Tenant] = [
        slack,
        slack.add_workspace("T2"),
        slack.add_workspace("T3", enterprise_id="E1"),
    ]
    for n, space in enumerate(spaces):
        space.add_user(f"U{n}9", name=f"p{n}")
        space.add_channel(f"C{n}9", name="talk", members=[f"U{n}9"])
    http_bot.requests.clear()
    await asyncio.gather(
        *(s.post_message(f"U{n}9", f"C{n}9", f"from {n}") for n, s in enumerate(spaces))
    )
    seen = {
        json.loads(r.body)["event"]["text"]: json.loads(r.body)["team_id"]
        for r in http_bot.requests
    }
    assert seen == {"from 0": "T0001", "from 1": "T2", "from 2": "T3"}
    assert {json.loads(r.body)["api_app_id"] for r in http_bot.requests} == {slack.app_id}


async def test_a_file_is_read_only_with_a_token_of_its_workspace(
    slack: LocalSlack, two: Tenant
) -> None:
    upload = await _client(slack, two.bot_token).files_upload_v2(
        channel="C9", content=b"two's", filename="notes.txt"
    )
    url = upload["file"]["url_private"]
    async with aiohttp.ClientSession() as http:
        for token, status in ((two.bot_token, 200), (slack.bot_token, 403), ("xoxb-no", 403)):
            async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as r:
                assert r.status == status
        await two.uninstall()
        async with http.get(url, headers={"Authorization": f"Bearer {two.bot_token}"}) as r:
            assert r.status == 403


async def test_an_org_wide_install_says_so_in_every_workspace_of_the_org(
    slack: LocalSlack, http_bot: HttpBot
) -> None:
    t3 = slack.add_workspace("T3", enterprise_id="E1")
    t4 = slack.add_workspace("T4", enterprise_id="E1")
    lone = slack.add_workspace("T5")
    for n, space in enumerate((t3, t4, lone)):
        space.add_user(f"W{n}", name=f"w{n}")
        space.add_channel(f"C{n}0", name="talk", members=[f"W{n}"])
    slack.oauth.next_team, slack.oauth.org_wide = "T4", True
    await _install(slack)
    http_bot.requests.clear()
    for n, space in enumerate((t3, t4, lone)):
        await space.post_message(f"W{n}", f"C{n}0", "hi")
    grants = {
        json.loads(r.body)["team_id"]: json.loads(r.body)["authorizations"][0]
        for r in http_bot.requests
    }
    assert {t: g["is_enterprise_install"] for t, g in grants.items()} == {
        "T3": True,
        "T4": True,
        "T5": False,
    }
    assert grants["T3"]["enterprise_id"] == "E1"
    assert grants["T5"]["enterprise_id"] is None


async def test_a_refreshed_token_stays_in_its_workspace(slack: LocalSlack, two: Tenant) -> None:
    slack.oauth.rotation = True
    first = await _install(slack, team="T2")
    refreshed = await AsyncWebClient(base_url=slack.api_url).oauth_v2_access(
        client_id=slack.oauth.client_id,
        client_secret=slack.oauth.client_secret,
        grant_type="refresh_token",
        refresh_token=str(first["refresh_token"]),
    )
    assert refreshed["team"] == {"id": "T2", "name": "Second"}
    token = str(refreshed["access_token"])
    assert token != first["access_token"]
    assert (await _client(slack, token).auth_test())["team_id"] == "T2"
