"""Message store, history/replies pagination and filters, Block Kit limits."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack, LocalSlackError


async def _post_many(slack: LocalSlack, n: int, channel: str = "C1") -> list[str]:
    """Post n messages from U1 without waiting for deliveries; return their ts."""
    return [(await slack.post_message("U1", channel, f"m{i}", wait=False))["ts"] for i in range(n)]


async def _error(call: Any) -> str:
    """Run a failing client call and return its Slack error code."""
    with pytest.raises(SlackApiError) as err:
        await call
    return str(err.value.response["error"])


async def test_ts_are_unique_increasing_strings(slack: LocalSlack) -> None:
    stamps = await _post_many(slack, 30)
    assert len(set(stamps)) == 30
    assert stamps == sorted(stamps, key=lambda t: (int(t.split(".")[0]), t.split(".")[1]))
    for ts in stamps:
        whole, frac = ts.split(".")
        assert whole.isdigit()
        assert len(frac) == 6
        assert frac.isdigit()


async def test_history_newest_first_with_cursor_pagination(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    stamps = await _post_many(slack, 7)
    first = await client.conversations_history(channel="C1", limit=3)
    assert [m["text"] for m in first["messages"]] == ["m6", "m5", "m4"]
    assert first["has_more"]
    assert first["response_metadata"]["next_cursor"]
    seen = []
    async for page in await client.conversations_history(channel="C1", limit=3):
        seen += [m["ts"] for m in page["messages"]]
        last = page
    assert seen == stamps[::-1]
    assert last["has_more"] is False
    assert last["response_metadata"]["next_cursor"] == ""
    bad = client.conversations_history(channel="C1", cursor="garbage!")
    assert await _error(bad) == "invalid_cursor"


async def test_history_oldest_latest_inclusive(slack: LocalSlack, client: AsyncWebClient) -> None:
    s = await _post_many(slack, 5)
    between = await client.conversations_history(channel="C1", oldest=s[1], latest=s[3])
    assert [m["ts"] for m in between["messages"]] == [s[2]]
    inclusive = await client.conversations_history(
        channel="C1", oldest=s[1], latest=s[3], inclusive=True
    )
    assert [m["ts"] for m in inclusive["messages"]] == [s[3], s[2], s[1]]
    newer = await client.conversations_history(channel="C1", oldest=s[3])
    assert [m["ts"] for m in newer["messages"]] == [s[4]]
    assert await _error(client.conversations_history(channel="C1", oldest="x.y")) == (
        "invalid_ts_oldest"
    )


async def test_history_errors(slack: LocalSlack, client: AsyncWebClient) -> None:
    assert await _error(client.conversations_history(channel="C404")) == "channel_not_found"
    assert await _error(client.conversations_history(channel="U1")) == "channel_not_found"
    assert await _error(client.conversations_history(channel="C2")) == "not_in_channel"


async def test_threads_bookkeeping_and_history_filter(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    parent = await slack.post_message("U1", "C1", "question", wait=False)
    r1 = await slack.post_message("U2", "C1", "answer", thread_ts=parent["ts"], wait=False)
    r2 = await slack.post_message(
        "U1", "C1", "thanks", thread_ts=r1["ts"], reply_broadcast=True, wait=False
    )
    assert r1["parent_user_id"] == "U1"
    assert r1["thread_ts"] == parent["ts"]
    assert r2["subtype"] == "thread_broadcast"
    assert r2["root"]["ts"] == parent["ts"]
    history = (await client.conversations_history(channel="C1"))["messages"]
    assert [m["text"] for m in history] == ["thanks", "question"]
    top = history[1]
    assert top["thread_ts"] == top["ts"] == parent["ts"]
    assert top["reply_count"] == 2
    assert top["reply_users"] == ["U2", "U1"]
    assert top["reply_users_count"] == 2
    assert top["latest_reply"] == r2["ts"]


async def test_replies_whole_thread_from_any_ts_paginated(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    parent = await slack.post_message("U1", "C1", "p", wait=False)
    replies = [
        (await slack.post_message("U2", "C1", f"r{i}", thread_ts=parent["ts"], wait=False))["ts"]
        for i in range(5)
    ]
    whole = await client.conversations_replies(channel="C1", ts=replies[2])
    assert [m["ts"] for m in whole["messages"]] == [parent["ts"], *replies]
    assert all(m["parent_user_id"] == "U1" for m in whole["messages"][1:])
    seen = []
    async for page in await client.conversations_replies(channel="C1", ts=parent["ts"], limit=2):
        seen += [m["ts"] for m in page["messages"]]
    assert seen == [parent["ts"], *replies]
    after = await client.conversations_replies(channel="C1", ts=parent["ts"], oldest=replies[3])
    assert [m["ts"] for m in after["messages"]] == [parent["ts"], replies[4]]
    lone = await slack.post_message("U1", "C1", "alone", wait=False)
    single = await client.conversations_replies(channel="C1", ts=lone["ts"])
    assert [m["ts"] for m in single["messages"]] == [lone["ts"]]
    missing = client.conversations_replies(channel="C1", ts="123.456")
    assert await _error(missing) == "thread_not_found"


async def test_post_to_user_id_opens_dm(slack: LocalSlack, client: AsyncWebClient) -> None:
    resp = await client.chat_postMessage(channel="U1", text="hello you")
    assert resp["channel"].startswith("D")
    assert resp["channel"] == slack.dm_channel("U1")
    assert [m["text"] for m in slack.messages("U1")] == ["hello you"]
    info = await client.conversations_info(channel=resp["channel"])
    assert info["channel"]["is_im"]
    assert info["channel"]["user"] == "U1"


async def test_bot_message_shape_and_metadata(slack: LocalSlack, client: AsyncWebClient) -> None:
    meta = {"event_type": "card", "event_payload": {"id": 7}}
    resp = await client.chat_postMessage(channel="C1", text="hi", metadata=meta)
    msg = resp["message"]
    assert msg["bot_id"] == "BBOT0001"
    assert msg["user"] == "UBOT0001"
    assert "subtype" not in msg
    assert msg["bot_profile"]["app_id"] == "ALOCAL"
    plain = (await client.conversations_history(channel="C1"))["messages"][0]
    assert "metadata" not in plain
    full = await client.conversations_history(channel="C1", include_all_metadata=True)
    assert full["messages"][0]["metadata"] == meta


@pytest.mark.filterwarnings("ignore:The top-level `text`")
async def test_post_errors(slack: LocalSlack, client: AsyncWebClient) -> None:
    assert await _error(client.chat_postMessage(channel="C2", text="x")) == "not_in_channel"
    assert await _error(client.chat_postMessage(channel="C404", text="x")) == "channel_not_found"
    assert await _error(client.chat_postMessage(channel="C1", text="")) == "no_text"
    assert await _error(client.chat_postMessage(channel="C1", text="x" * 40_001)) == "msg_too_long"
    missing = client.chat_postMessage(channel="C1", text="x", thread_ts="1.000001")
    assert await _error(missing) == "thread_not_found"
    await slack.archive_channel("C1")
    assert await _error(client.chat_postMessage(channel="C1", text="x")) == "is_archived"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str = "ok", value: str = "v", action_id: str = "a") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "value": value,
        "action_id": action_id,
    }


@pytest.mark.parametrize(
    "blocks",
    [
        [_section("x")] * 51,
        [_section("x" * 3001)],
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
        [{"type": "actions", "elements": [_button(action_id=f"a{i}") for i in range(26)]}],
        [{"type": "actions", "elements": [_button(text="b" * 76)]}],
        [{"type": "actions", "elements": [_button(value="v" * 2001)]}],
        [{"type": "actions", "elements": [_button(action_id="a" * 256)]}],
        [{**_section("x"), "block_id": "b" * 256}],
        [{"type": "carousel"}],
        [_section("")],
        ["not a block"],
    ],
)
async def test_invalid_blocks(client: AsyncWebClient, blocks: list[Any]) -> None:
    error = await _error(client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert error == "invalid_blocks"


async def test_valid_blocks_and_limits_per_surface(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    blocks = [_section("x")] * 50 + []
    assert (await client.chat_postMessage(channel="C1", text="t", blocks=blocks))["ok"]
    view = {"type": "home", "blocks": [_section("x")] * 100}
    assert (await client.views_publish(user_id="U1", view=view))["ok"]
    too_big = {"type": "home", "blocks": [_section("x")] * 101}
    assert await _error(client.views_publish(user_id="U1", view=too_big)) == "invalid_blocks"
    ephemeral = client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=[_section("e")])
    assert (await ephemeral)["message_ts"]
    bad = client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=[{"type": "nope"}])
    assert await _error(bad) == "invalid_blocks"
    assert len(slack.messages("C1")) == 1


async def test_update_delete_own_messages_only(slack: LocalSlack, client: AsyncWebClient) -> None:
    mine = await client.chat_postMessage(channel="C1", text="v1")
    theirs = await slack.post_message("U1", "C1", "human", wait=False)
    updated = await client.chat_update(channel="C1", ts=mine["ts"], text="v2")
    assert updated["text"] == "v2"
    assert updated["message"]["edited"]["user"] == "UBOT0001"
    bad_update = client.chat_update(channel="C1", ts=theirs["ts"], text="x")
    assert await _error(bad_update) == "cant_update_message"
    bad_delete = client.chat_delete(channel="C1", ts=theirs["ts"])
    assert await _error(bad_delete) == "cant_delete_message"
    assert await _error(client.chat_delete(channel="C1", ts="1.000002")) == "message_not_found"
    assert (await client.chat_delete(channel="C1", ts=mine["ts"]))["ok"]
    assert [m["text"] for m in slack.messages("C1")] == ["human"]
    link = await client.chat_getPermalink(channel="C1", message_ts=theirs["ts"])
    assert link["permalink"].endswith("/archives/C1/p" + theirs["ts"].replace(".", ""))


async def test_reactions_store(slack: LocalSlack, client: AsyncWebClient) -> None:
    msg = await slack.post_message("U1", "C1", "nice", wait=False)
    await slack.add_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3", wait=False)
    await client.reactions_add(channel="C1", timestamp=msg["ts"], name="eyes")
    got = await client.reactions_get(channel="C1", timestamp=msg["ts"])
    assert got["message"]["reactions"] == [
        {"name": "+1::skin-tone-3", "users": ["U2"], "count": 1},
        {"name": "eyes", "users": ["UBOT0001"], "count": 1},
    ]
    with pytest.raises(LocalSlackError):
        await slack.add_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3")
    await slack.remove_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3", wait=False)
    assert slack.messages("C1")[0]["reactions"] == [
        {"name": "eyes", "users": ["UBOT0001"], "count": 1}
    ]


async def test_people_rules(slack: LocalSlack) -> None:
    with pytest.raises(LocalSlackError):
        await slack.post_message("U3", "C1", "not a member")
    with pytest.raises(LocalSlackError):
        await slack.post_message("U1", "C404", "nowhere")
    with pytest.raises(LocalSlackError):
        slack.add_user("U9", tz="Mars/Olympus")


async def test_post_by_channel_name(slack: LocalSlack, client: AsyncWebClient) -> None:
    assert (await client.chat_postMessage(channel="#general", text="by name"))["channel"] == "C1"
    assert (await client.chat_postMessage(channel="secret", text="by name"))["channel"] == "G1"
    assert await _error(client.conversations_history(channel="#general")) == "channel_not_found"


async def test_absurd_limits(slack: LocalSlack, client: AsyncWebClient) -> None:
    for limit in ("inf", "nan", "-5", "1e30"):
        try:
            # Text on purpose: the wire carries it, and the server must cope.
            await client.conversations_history(channel="C1", limit=limit)  # type: ignore[arg-type]
        except SlackApiError as err:
            error = err.response["error"]
        else:
            error = None  # an absurd limit may also be read as "as many as allowed"
        assert error in (None, "invalid_arguments")
    assert slack.server_errors == []
