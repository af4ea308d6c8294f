"""Joining, leaving, renames, archives and people changing: the store stays true."""

from __future__ import annotations

from tests.support.bot import Env


async def test_join_note_posted_once(env: Env) -> None:
    env.slack.add_channel("C5", name="newchan", members=["U1"], bot_member=False)
    await env.slack.bot_joins("C5")
    await env.slack.bot_leaves("C5")
    await env.slack.bot_joins("C5")
    await env.settle()
    notes = [c for c in env.slack.calls_of("chat.postMessage") if c.args.get("channel") == "C5"]
    assert len(notes) == 1
    assert "capture off" in str(notes[0].args["text"])
    channel = await env.store.channel(env.team, "C5")
    assert channel is not None
    assert channel.is_member
    assert channel.name == "newchan"


async def test_join_private_channel_says_capture_is_off(env: Env) -> None:
    env.slack.add_channel("G5", name="hush", is_private=True, members=["U1"], bot_member=False)
    await env.slack.bot_joins("G5")
    await env.settle()
    [note] = [c for c in env.slack.calls_of("chat.postMessage") if c.args.get("channel") == "G5"]
    assert "private" in str(note.args["text"])
    channel = await env.store.channel(env.team, "G5")
    assert channel is not None
    assert channel.is_private


async def test_removed_from_channel(env: Env) -> None:
    await env.slack.post_message("U1", "C2", "<https://a.com/>")
    await env.slack.bot_leaves("C2")
    await env.settle()
    channel = await env.store.channel(env.team, "C2")
    assert channel is not None
    assert not channel.is_member
    assert len(await env.items()) == 1  # what was captured stays


async def test_rename_and_archive(env: Env) -> None:
    await env.slack.post_message("U1", "C2", "<https://a.com/>")
    await env.slack.rename_channel("C2", "watercooler")
    await env.slack.archive_channel("C2")
    await env.settle()
    channel = await env.store.channel(env.team, "C2")
    assert channel is not None
    assert (channel.name, channel.is_archived) == ("watercooler", True)
    await env.slack.unarchive_channel("C2")
    await env.settle()
    channel = await env.store.channel(env.team, "C2")
    assert channel is not None
    assert not channel.is_archived


async def test_user_change_keeps_time_zone_and_deactivation(env: Env) -> None:
    await env.slack.change_user("U2", tz="Europe/Berlin", deleted=True)
    await env.settle()
    user = await env.store.user(env.team, "U2")
    assert user is not None
    assert (user.tz, user.deleted) == ("Europe/Berlin", True)


async def test_user_change_of_opted_out_person_is_not_stored(env: Env) -> None:
    await env.slack.slash_command("U2", "C1", "/serendip", "optout")
    await env.slack.change_user("U2", tz="Europe/Berlin")
    await env.settle()
    assert await env.store.user(env.team, "U2") is None


async def test_every_delivery_acknowledged(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "hello")
    await env.slack.send_event({"type": "pin_added", "user": "U1", "channel_id": "C1"})
    await env.slack.send_event(
        {
            "type": "message",
            "subtype": "channel_purpose",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000001.000001",
            "channel_type": "channel",
            "text": "purpose",
        }
    )
    await env.slack.send_event(
        {
            "type": "message",
            "subtype": "brand_new_subtype",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000002.000001",
            "channel_type": "channel",
        }
    )
    await env.settle()
    await env.slack.wait_idle()
    assert env.slack.deliveries
    assert all(d.acked for d in env.slack.deliveries)
    assert all(d.attempts == 1 for d in env.slack.deliveries)


async def test_unknown_interactive_payloads_are_acknowledged(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "hello")
    action = await env.slack.block_action(
        "U1", action_id="from_an_old_version", value="x", channel="C1", message_ts=msg["ts"]
    )
    shortcut = await env.slack.message_shortcut("U1", "C1", msg["ts"], "no_such_shortcut")
    command = await env.slack.slash_command("U1", "C1", "/nonsense", "x")
    assert action.status == shortcut.status == command.status == 200
    assert "does not handle" in str(command.body)


async def test_failed_listener_is_not_repeated(env: Env) -> None:
    env.slack.fail_next("chat.postMessage", error="internal_error", status=500, times=1)
    await env.slack.dm_bot("U1", "help?")
    await env.settle()
    assert len(env.slack.calls_of("chat.postMessage")) == 1  # the help may have landed
    [failure] = await env.store.failed_events()
    assert failure["error"] == "status 500"  # Bolt's error handler logged the exception
