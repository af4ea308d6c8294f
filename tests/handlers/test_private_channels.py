"""Private channels with `C` ids (Slack's since 2021): never taken for public ones."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.models import ChannelInfo
from tests.support.bot import Env


async def _info(env: Env, channel: str) -> dict[str, Any]:
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    data: dict[str, Any] = (await client.conversations_info(channel=channel))["channel"]
    return data


def _private_c(env: Env, channel: str = "CPRIV1") -> str:
    env.slack.add_channel(channel, name="hush", is_private=True, members=["U1", "U2"])
    return channel


async def test_conversations_info_says_private_c_channels_are_channels(env: Env) -> None:
    channel = await _info(env, _private_c(env))
    assert (channel["is_channel"], channel["is_group"], channel["is_private"]) == (
        True,
        False,
        True,
    )
    legacy = await _info(env, "G1")
    assert (legacy["is_channel"], legacy["is_group"]) == (False, True)


async def test_a_rename_first_never_makes_a_private_channel_public(env: Env) -> None:
    channel = _private_c(env)
    await env.slack.rename_channel(channel, "hush-hush")
    assert [d.payload["event"]["type"] for d in env.slack.deliveries[-1:]] == ["group_rename"]
    await env.settle()
    await env.slack.post_message("U1", channel, "psst <https://private.example/>")
    assert await env.items() == []  # private channels are captured only when turned on
    stored = await env.store.channel(env.team, channel)
    assert stored is not None
    assert (stored.name, stored.is_private, stored.is_member) == ("hush-hush", True, True)


async def test_an_archive_first_leaves_an_unknown_channel_private(env: Env) -> None:
    channel = _private_c(env)
    await env.slack.archive_channel(channel, "U1")
    await env.settle()
    stored = await env.store.channel(env.team, channel)
    assert stored is not None
    assert (stored.name, stored.is_private, stored.is_archived) == (None, True, True)
    await env.slack.unarchive_channel(channel, "U1")
    env.slack.fail_next("conversations.info")
    await env.slack.post_message("U1", channel, "<https://still-private.example/>")
    assert await env.items() == []


async def test_without_conversations_info_the_event_type_decides(env: Env) -> None:
    channel = _private_c(env)
    env.slack.add_channel("CPUB9", name="open", members=["U1"])
    env.slack.fail_next("conversations.info", times=2)
    await env.slack.post_message("U1", channel, "<https://group.example/>")
    await env.slack.post_message("U1", "CPUB9", "<https://channel.example/>")
    assert [(i["url"], i["private"]) for i in await env.items()] == [
        ("https://channel.example/", False)
    ]


async def test_a_stale_public_row_is_corrected_by_a_group_event(env: Env) -> None:
    channel = _private_c(env)
    # What an older Serendip stored after a channel_rename came first: public, not a member.
    await env.store.save_channel(ChannelInfo(env.team, channel, "hush", is_member=False))
    await env.slack.post_message("U1", channel, "<https://stale.example/>")
    assert await env.items() == []
    stored = await env.store.channel(env.team, channel)
    assert stored is not None
    assert (stored.is_private, stored.is_member) == (True, True)


async def test_slash_commands_from_private_channels_say_privategroup(env: Env) -> None:
    channel = _private_c(env)
    env.slack.fail_next("conversations.info")
    await env.slack.slash_command("U1", channel, "/til", "a secret lesson")
    await env.settle()
    commands = [d.payload for d in env.slack.deliveries if d.type == "slash_commands"]
    assert commands[-1]["channel_name"] == "privategroup"
    assert [(i["text"], i["private"]) for i in await env.items()] == [("a secret lesson", True)]
