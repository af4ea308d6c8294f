"""The directory verbs ported so far behave the same on SQLite and PostgreSQL (the contract
suite): people, their opt-out, channels, join notes, the bot's posts."""

from __future__ import annotations

from bot.models import BotPost, ChannelInfo, UserInfo
from bot.store import Store


async def test_a_person_is_kept_and_updated_without_losing_what_is_known(any_store: Store) -> None:
    await any_store.save_user(
        UserInfo("T1", "U1", "ada", "Ada L.", "Europe/London", home_team="T1")
    )
    await any_store.save_user(UserInfo("T1", "U1", None, None, None, is_admin=True))
    assert await any_store.user("T1", "U1") == UserInfo(
        "T1", "U1", "ada", "Ada L.", "Europe/London", is_admin=True, home_team="T1"
    )
    assert await any_store.user("T1", "U2") is None
    assert await any_store.user("T2", "U1") is None


async def test_names_of_prefers_the_display_name(any_store: Store) -> None:
    await any_store.save_user(UserInfo("T1", "U1", "ada", "Ada L."))
    await any_store.save_user(UserInfo("T1", "U2", "", "Grace H."))
    await any_store.save_user(UserInfo("T1", "U3"))
    many = [f"U{n}" for n in range(1000)]  # more than one SQLite chunk
    assert await any_store.names_of("T1", [*many, None, "'; --"]) == {
        "U1": "ada",
        "U2": "Grace H.",
    }
    assert await any_store.names_of("T1", []) == {}


async def test_opting_out_and_back_in(any_store: Store) -> None:
    assert not await any_store.opted_out("T1", "U1")
    await any_store.set_opt_out("T1", "U1", True)
    assert await any_store.opted_out("T1", "U1")
    assert not await any_store.opted_out("T2", "U1")
    await any_store.set_opt_out("T1", "U1", False)
    assert not await any_store.opted_out("T1", "U1")


async def test_a_channel_keeps_the_capture_setting_people_chose(any_store: Store) -> None:
    await any_store.save_channel(ChannelInfo("T1", "C1", "general"))
    await any_store.update_channel("T1", "C1", capture="off")
    await any_store.save_channel(ChannelInfo("T1", "C1", None, is_archived=True))
    assert await any_store.channel("T1", "C1") == ChannelInfo(
        "T1", "C1", "general", is_archived=True, capture="off"
    )


async def test_an_unknown_channel_updated_is_private_until_known(any_store: Store) -> None:
    await any_store.update_channel("T1", "C9", is_member=False)
    assert await any_store.channel("T1", "C9") == ChannelInfo(
        "T1", "C9", None, is_private=True, is_member=False
    )
    await any_store.update_channel("T1", "C8", name="named-only")
    assert await any_store.channel("T1", "C8") is None  # a name alone is no reason to keep it


async def test_the_join_note_is_claimed_once(any_store: Store) -> None:
    await any_store.save_channel(ChannelInfo("T1", "C1", "general"))
    assert await any_store.claim_join_note("T1", "C1")
    assert not await any_store.claim_join_note("T1", "C1")
    assert not await any_store.claim_join_note("T1", "C2")  # unknown: nobody posts


async def test_a_bot_post_recorded_twice_is_one_post(any_store: Store) -> None:
    await any_store.record_bot_post(BotPost("T1", "C1", "1.0", "U1", "card"))
    await any_store.record_bot_post(BotPost("T1", "C1", "1.0", "U2", "digest"))
    assert await any_store.teams_with_person("U2") == ["T1"]
    assert await any_store.teams_with_person("U1") == []
