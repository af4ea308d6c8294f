"""Channel rows older versions left unconfirmed are repaired from Slack, once."""

from __future__ import annotations

from bot.models import ChannelInfo
from tests.support.bot import Env


async def test_a_member_channel_stored_as_not_one_is_asked_about_once(env: Env) -> None:
    # The old rename bug's row: named, public, the bot not a member.
    await env.store.save_channel(ChannelInfo(env.team, "C2", "random", is_member=False))
    await env.slack.post_message("U1", "C2", "<https://one.example/>")
    await env.settle()
    await env.slack.post_message("U2", "C2", "<https://two.example/>")
    await env.settle()
    asked = [c for c in env.slack.calls_of("conversations.info") if c.args["channel"] == "C2"]
    assert len(asked) == 1  # once: the fresh row says member
    stored = await env.store.channel(env.team, "C2")
    assert stored is not None
    assert (stored.is_member, stored.is_private) == (True, False)
    assert len(await env.items()) == 2


async def test_a_private_c_channel_the_old_rename_stored_as_public_stays_private(
    env: Env,
) -> None:
    env.slack.add_channel("C5", name="hush", is_private=True, members=["U1", "U2"])
    await env.store.save_channel(ChannelInfo(env.team, "C5", "hush", is_member=False))
    bot = env.slack.ident.bot_user_id
    # An app_mention carries no channel_type: nothing in the event says the channel is private.
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{bot}> plan <https://leak.example/>",
        "ts": "1700000000.000100",
        "team": env.team,
        "channel": "C5",
        "event_ts": "1700000000.000100",
    }
    await env.slack.send_event(event)
    assert await env.items() == []  # not taken for a public channel's message
    stored = await env.store.channel(env.team, "C5")
    assert stored is not None
    assert (stored.is_member, stored.is_private) == (True, True)
