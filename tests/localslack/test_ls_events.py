"""Event shapes and who gets which events, recorded by a plain HTTP bot."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack
from tests.support.localslack import HttpBot


def events(bot: HttpBot) -> list[dict[str, Any]]:
    """Inner events the bot received, in order."""
    return [r.json()["event"] for r in bot.requests]


async def test_message_event_shape(slack: LocalSlack, http_bot: HttpBot) -> None:
    msg = await slack.post_message("U1", "C1", "see <https://a.example/x|x> &amp; more")
    [event] = events(http_bot)
    assert event["type"] == "message"
    assert "subtype" not in event
    assert event["client_msg_id"]
    assert event["user"] == "U1"
    assert event["ts"] == msg["ts"]
    assert event["team"] == "T0001"
    assert "user_team" not in event
    assert "source_team" not in event
    assert event["channel"] == "C1"
    assert event["channel_type"] == "channel"
    assert event["event_ts"] == msg["ts"]
    section = event["blocks"][0]["elements"][0]["elements"]
    assert {"type": "link", "url": "https://a.example/x", "text": "x"} in section
    assert {"type": "text", "text": " & more"} in section
    assert http_bot.requests[0].json()["is_ext_shared_channel"] is False


async def test_app_mention_is_a_second_event(slack: LocalSlack, http_bot: HttpBot) -> None:
    await slack.post_message("U1", "C1", "hey <@UBOT0001> help")
    bodies = [r.json() for r in http_bot.requests]
    assert sorted(b["event"]["type"] for b in bodies) == ["app_mention", "message"]
    assert bodies[0]["event_id"] != bodies[1]["event_id"]
    assert bodies[0]["event"]["ts"] == bodies[1]["event"]["ts"]


async def test_visibility_rules(slack: LocalSlack, http_bot: HttpBot) -> None:
    outside = await slack.post_message("U1", "C2", "bot is not here <@UBOT0001>")
    await slack.add_reaction("U2", "C2", outside["ts"], "eyes")
    assert http_bot.requests == []
    await slack.post_message("U1", "G1", "private")
    await slack.dm_bot("U2", "hello bot")
    got = [(e["channel"], e["channel_type"]) for e in events(http_bot)]
    assert got == [("G1", "group"), (slack.dm_channel("U2"), "im")]


async def test_threads_and_broadcast_events(slack: LocalSlack, http_bot: HttpBot) -> None:
    parent = await slack.post_message("U1", "C1", "q")
    await slack.post_message("U2", "C1", "a", thread_ts=parent["ts"])
    await slack.post_message("U2", "C1", "b", thread_ts=parent["ts"], reply_broadcast=True)
    _, reply, broadcast = events(http_bot)
    assert reply["thread_ts"] == parent["ts"]
    assert reply["parent_user_id"] == "U1"
    assert broadcast["subtype"] == "thread_broadcast"
    assert broadcast["root"]["reply_count"] == 2


async def test_bot_posts_are_echoed(
    slack: LocalSlack, http_bot: HttpBot, client: AsyncWebClient
) -> None:
    resp = await client.chat_postMessage(channel="C1", text="from the bot")
    await slack.wait_idle()
    [event] = events(http_bot)
    assert event["bot_id"] == slack.bot_id
    assert event["user"] == slack.bot_user_id
    assert event["ts"] == resp["ts"]
    assert "subtype" not in event
    assert event["bot_profile"]["id"] == slack.bot_id
    assert event["app_id"] == slack.app_id


async def test_edit_unfurl_delete(slack: LocalSlack, http_bot: HttpBot) -> None:
    msg = await slack.post_message("U1", "C1", "v1 <https://a.example>")
    await slack.edit_message("C1", msg["ts"], "v2 <https://a.example>")
    card = {"from_url": "https://a.example", "original_url": "https://a.example", "title": "A"}
    await slack.unfurl("C1", msg["ts"], attachments=[card])
    await slack.delete_message("C1", msg["ts"])
    _, edited, unfurled, deleted = events(http_bot)
    assert edited["subtype"] == "message_changed"
    assert edited["hidden"] is True
    assert edited["message"]["ts"] == msg["ts"]
    assert edited["message"]["text"].startswith("v2")
    assert edited["message"]["edited"]["user"] == "U1"
    assert edited["previous_message"]["text"].startswith("v1")
    assert unfurled["message"]["attachments"] == [card]
    assert unfurled["message"]["edited"] == edited["message"]["edited"]
    assert deleted["subtype"] == "message_deleted"
    assert deleted["deleted_ts"] == msg["ts"]
    assert deleted["previous_message"]["text"].startswith("v2")
    assert slack.messages("C1") == []


async def test_deleting_a_parent_with_replies_leaves_a_tombstone(
    slack: LocalSlack, http_bot: HttpBot, client: AsyncWebClient
) -> None:
    parent = await slack.post_message("U1", "C1", "parent")
    reply = await slack.post_message("U2", "C1", "reply", thread_ts=parent["ts"])
    await slack.delete_message("C1", parent["ts"])
    stone = events(http_bot)[-1]
    assert stone["subtype"] == "message_changed"
    assert stone["message"]["subtype"] == "tombstone"
    assert stone["message"]["ts"] == parent["ts"]
    assert stone["previous_message"]["text"] == "parent"
    thread = (await client.conversations_replies(channel="C1", ts=reply["ts"]))["messages"]
    assert [m.get("subtype") for m in thread] == ["tombstone", None]
    await slack.delete_message("C1", reply["ts"])
    gone = [e["deleted_ts"] for e in events(http_bot) if e.get("subtype") == "message_deleted"]
    assert gone == [reply["ts"], parent["ts"]]
    assert slack.messages("C1") == []


async def test_reaction_events(slack: LocalSlack, http_bot: HttpBot) -> None:
    msg = await slack.post_message("U1", "C1", "good")
    await slack.add_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3")
    await slack.remove_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3")
    _, added, removed = events(http_bot)
    assert added["type"] == "reaction_added"
    assert removed["type"] == "reaction_removed"
    assert added["reaction"] == "+1::skin-tone-3"
    assert added["user"] == "U2"
    assert added["item"] == {"type": "message", "channel": "C1", "ts": msg["ts"]}
    assert added["item_user"] == "U1"


async def test_slack_connect_outsider(
    slack: LocalSlack, http_bot: HttpBot, client: AsyncWebClient
) -> None:
    slack.add_user("U9", name="ext", team_id="T0999")
    slack.add_channel("C9", name="shared", members=["U1", "U9"])
    await slack.post_message("U9", "C9", "hi from afar")
    body = http_bot.requests[0].json()
    assert body["is_ext_shared_channel"] is True
    assert body["team_id"] == "T0999"  # the other organisation's, as Slack may send it
    assert body["authorizations"][0]["team_id"] == "T0001"
    assert body["event"]["team"] == "T0999"
    info = (await client.conversations_info(channel="C9"))["channel"]
    assert info["is_ext_shared"] is True


async def test_membership_events(slack: LocalSlack, http_bot: HttpBot) -> None:
    await slack.bot_joins("C2", inviter="U1")
    joined = events(http_bot)
    assert joined[0] == {
        **joined[0],
        "type": "member_joined_channel",
        "user": slack.bot_user_id,
        "channel": "C2",
        "channel_type": "C",
        "inviter": "U1",
    }
    assert joined[1]["subtype"] == "channel_join"
    await slack.user_joins("U3", "G1")
    assert events(http_bot)[2]["channel_type"] == "G"
    assert events(http_bot)[2]["user"] == "U3"
    await slack.bot_leaves("C2")
    assert events(http_bot)[-1]["type"] == "member_left_channel"
    count = len(http_bot.requests)
    await slack.post_message("U1", "C2", "bot gone")
    assert len(http_bot.requests) == count


async def test_channel_lifecycle_and_user_change(slack: LocalSlack, http_bot: HttpBot) -> None:
    await slack.rename_channel("C1", "town-square")
    await slack.archive_channel("C1", user="U2")
    await slack.unarchive_channel("C1")
    await slack.rename_channel("G1", "hush")
    slack.add_channel("C9", name="quiet", is_private=True, members=["U1"], bot_member=True)
    await slack.rename_channel("C9", "hushed")
    await slack.change_user("U1", tz="Asia/Tokyo", deleted=True)
    rename, archive, unarchive, group_rename, c_rename, change = events(http_bot)
    assert rename["type"] == "channel_rename"
    assert rename["channel"]["id"] == "C1"
    assert rename["channel"]["name"] == "town-square"
    assert (rename["channel"]["is_channel"], rename["channel"]["is_private"]) == (True, False)
    # As conversations.info says: a G private channel is_group, a C one is_channel too.
    flags = ("type", "is_channel", "is_group", "is_private")
    assert [group_rename["type"], *(group_rename["channel"][k] for k in flags[1:])] == [
        "group_rename",
        False,
        True,
        True,
    ]
    assert [c_rename["type"], *(c_rename["channel"][k] for k in flags[1:])] == [
        "group_rename",
        True,
        False,
        True,
    ]
    assert archive == {**archive, "type": "channel_archive", "channel": "C1", "user": "U2"}
    assert unarchive["type"] == "channel_unarchive"
    assert change["type"] == "user_change"
    assert change["user"]["tz"] == "Asia/Tokyo"
    assert change["user"]["deleted"] is True
    assert change["user"]["tz_offset"] == 9 * 3600
    assert change["user"]["profile"]["real_name"] == "Ana Lima"


async def test_uninstall_and_reinstall(
    slack: LocalSlack, http_bot: HttpBot, client: AsyncWebClient
) -> None:
    await slack.uninstall()
    gone, revoked = events(http_bot)
    assert gone["type"] == "app_uninstalled"
    assert revoked == {
        **revoked,
        "type": "tokens_revoked",
        "tokens": {"oauth": [], "bot": [slack.bot_user_id]},
    }
    with pytest.raises(SlackApiError) as err:
        await client.auth_test()
    assert err.value.response["error"] == "token_revoked"
    await slack.post_message("U1", "C1", "nobody listens")
    assert len(http_bot.requests) == 2
    await slack.reinstall()
    assert (await client.auth_test())["ok"]


async def test_send_event_and_home(slack: LocalSlack, http_bot: HttpBot) -> None:
    delivery = await slack.send_event({"type": "link_shared", "links": []}, event_id="Ev1")
    assert delivery.acked
    assert delivery.event_id == "Ev1"
    body = http_bot.requests[0].json()
    assert body["event_id"] == "Ev1"
    assert body["event"]["type"] == "link_shared"
    assert body["token"]
    assert body["event_time"] > 0
    assert body["authorizations"]
    await slack.open_home("U1")
    home = events(http_bot)[-1]
    assert home["type"] == "app_home_opened"
    assert home["tab"] == "home"
    assert home["channel"] == slack.dm_channel("U1")


async def test_deliver_off_records_only(slack: LocalSlack) -> None:
    slack.deliver_off()
    await slack.post_message("U1", "C1", "quiet")
    ack = await slack.slash_command("U1", "C1", "/serendip", "help")
    assert ack.status == 0
    assert ack.body is None
    assert [d.statuses for d in slack.deliveries] == [["off"], ["off"]]


async def test_any_user_id_and_outsider_dm(slack: LocalSlack, http_bot: HttpBot) -> None:
    slack.add_user("X1", name="vendor", team_id="TOTHER")
    slack.add_channel("C7", name="deals", members=["X1"])
    await slack.post_message("X1", "C7", "hello")
    assert events(http_bot)[0]["team"] == "TOTHER"
    await slack.dm_bot("X1", "psst")
    assert events(http_bot)[1]["channel_type"] == "im"
