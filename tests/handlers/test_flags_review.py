"""The admins' flag review with the real bot: hiding, listing, restoring, removing, refusing."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now

FLAG = "triangular_flag_on_post"
BAD = "look <https://bad.example/rotten> rotten walrus"
FLAGGER_MARKS = ("U2", "U4", "bo", "Bo Chen", "Dee", "dee")


async def shared(env: Env, text: str = BAD, channel: str = "C1") -> tuple[str, str]:
    """U1 shares `text`: (item id, message ts)."""
    message = await env.slack.post_message("U1", channel, text)
    await env.settle()
    [share] = await env.store.shares_at(env.team, channel, str(message["ts"]))
    return str(share["item_id"]), str(message["ts"])


async def flag_twice(env: Env, ts: str) -> None:
    """Two people flag the message with a reaction."""
    await env.slack.add_reaction("U2", "C1", ts, FLAG)
    await env.slack.add_reaction("U3", "C1", ts, FLAG)
    await env.settle()


async def flag_privately(env: Env, ts: str) -> None:
    """A third person flags it with the private shortcut."""
    env.slack.add_user("U4", name="dee", real_name="Dee Flagger")
    await env.slack.message_shortcut("U4", "C1", ts, "flag_for_review")
    await env.settle()


async def flag_thrice(env: Env, ts: str) -> None:
    """Three people flag the message: two reactions and one private shortcut."""
    await flag_twice(env, ts)
    await flag_privately(env, ts)


async def found(env: Env, words: str = "walrus") -> list[str]:
    return [hit.item_id for hit in await env.store.search(env.team, words)]


async def press(env: Env, user: str, action: str, value: str) -> dict[str, Any]:
    """Press a review button on the (ephemeral) list; the bot's answer through response_url."""
    before = len(env.slack.responses)
    ack = await env.slack.block_action(
        user, action, value, channel="C1", container_type="ephemeral"
    )
    assert ack.status == 200
    await env.settle()
    assert len(env.slack.responses) == before + 1
    return env.slack.responses[-1]


async def review(env: Env, user: str) -> dict[str, Any]:
    """`/serendip flags`: acknowledged at once, the list (or refusal) through response_url."""
    before = len(env.slack.responses)
    ack = await env.slack.slash_command(user, "C1", "/serendip", "flags")
    assert ack.status == 200
    assert not (ack.body or {}).get("text")
    await env.settle()
    assert len(env.slack.responses) == before + 1
    return env.slack.responses[-1]


async def flagger_ids(env: Env, item_id: str) -> set[str]:
    return {f["flagger"] for f in await env.store.flags(env.team) if f["item_id"] == item_id}


async def test_three_flaggers_hide_an_item_from_search_and_digests(env: Env) -> None:
    bad, ts = await shared(env)
    good, _ = await shared(env, "fine <https://good.example/> walrus")
    await flag_twice(env, ts)
    assert set(await found(env)) == {bad, good}  # two flags are not enough
    env.slack.add_user("U4", name="dee", real_name="Dee Flagger")
    await env.slack.add_reaction("U4", "C1", ts, FLAG)
    await env.settle()
    assert await found(env) == [good]
    await send_now(env)
    assert item_ids(digest_in(env, "C1")) == [good]


async def test_an_admin_lists_flags_without_naming_flaggers(env: Env) -> None:
    bad, ts = await shared(env)
    once, once_ts = await shared(env, "TIL &lt;!channel&gt; cats &amp; dogs")
    await flag_thrice(env, ts)
    await env.slack.add_reaction("U2", "C1", once_ts, FLAG)
    await env.settle()
    answer = await review(env, "U3")
    assert answer["response_type"] == "ephemeral"
    blocks = answer["blocks"]
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert "https://bad.example/rotten" in texts[1]
    assert "flagged by 3 people" in texts[1]
    assert "*hidden*" in texts[1]
    assert "still shown" in texts[2]
    assert "&lt;!channel&gt; cats &amp; dogs" in texts[2]
    assert "<!channel>" not in texts[2]
    values = [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert values == [bad, bad, once, once]
    shown = json.dumps(answer)
    # Whole words only: item ids are random hex and may hold "dee" by chance.
    assert not [mark for mark in FLAGGER_MARKS if re.search(rf"\b{mark}\b", shown)]


async def test_restore_brings_an_item_back_and_it_stays_back(env: Env) -> None:
    bad, ts = await shared(env)
    await flag_thrice(env, ts)
    assert await found(env) == []
    answer = await press(env, "U3", "flags_restore", bad)
    assert answer["replace_original"] is True
    assert "Restored: the flags of 3 people" in answer["text"]
    assert "Nothing is flagged." in answer["text"]
    assert await found(env) == [bad]
    assert await flagger_ids(env, bad) == set()
    await env.slack.add_reaction("U2", "C1", ts, "+1")  # re-derives the item's votes and flags
    await env.settle()
    assert await flagger_ids(env, bad) == set()
    assert await found(env) == [bad]
    [record] = await env.items()
    assert record["votes"] == ["U2"]


async def test_remove_deletes_the_item_and_lists_what_is_left(env: Env) -> None:
    bad, ts = await shared(env)
    other, other_ts = await shared(env, "other <https://other.example/>")
    await flag_thrice(env, ts)
    await env.slack.add_reaction("U2", "C1", other_ts, FLAG)
    await env.settle()
    answer = await press(env, "U3", "flags_remove", bad)
    assert answer["replace_original"] is True
    assert "Removed" in answer["text"]
    values = [e["value"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert values == [other, other]
    assert [i["id"] for i in await env.items()] == [other]
    await env.slack.add_reaction("U4", "C1", ts, "+1")  # a late vote brings nothing back
    assert [i["id"] for i in await env.items()] == [other]
    assert (await env.store.counts(env.team))["reactions"] == 1  # only the other item's flag


async def test_non_admins_cannot_list_or_press(env: Env) -> None:
    bad, ts = await shared(env)
    await flag_thrice(env, ts)
    answer = await review(env, "U2")
    assert "only admins" in answer["text"]
    assert "bad.example" not in json.dumps(answer)
    assert "blocks" not in answer
    for action in ("flags_restore", "flags_remove"):
        answer = await press(env, "U1", action, bad)  # a forged payload
        assert "Only admins" in answer["text"]
        assert "nothing was changed" in answer["text"]
        assert not answer.get("replace_original")
    assert await flagger_ids(env, bad) == {"U2", "U3", "U4"}
    assert [i["id"] for i in await env.items()] == [bad]


async def test_odd_values_in_a_forged_press_change_nothing(env: Env) -> None:
    bad, ts = await shared(env)
    await flag_thrice(env, ts)
    for value in ("", "nope", "'; DROP TABLE items; --", "x" * 5000, bad.upper(), f" {bad}x"):
        for action in ("flags_restore", "flags_remove"):
            answer = await press(env, "U3", action, value)
            assert "not stored" in answer["text"]
            assert "nothing was changed" in answer["text"]
            assert "bad.example" in json.dumps(answer["blocks"])  # the list, unchanged
    assert await flagger_ids(env, bad) == {"U2", "U3", "U4"}
    assert [i["id"] for i in await env.items()] == [bad]


async def test_nothing_flagged(env: Env) -> None:
    await shared(env)
    answer = await review(env, "U3")
    assert answer["text"] == "Nothing is flagged."


async def test_a_private_item_is_shown_only_to_admins_in_its_channel(env: Env) -> None:
    await env.slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    secret, ts = await shared(env, "hush <https://secret.example/plan> walrus", channel="G1")
    await env.slack.add_reaction("U2", "G1", ts, FLAG)
    await env.settle()
    answer = await review(env, "U3")
    assert "secret.example" not in json.dumps(answer)
    assert "hush" not in json.dumps(answer)
    assert "private channel you are not in" in json.dumps(answer)
    await env.slack.user_joins("U3", "G1")
    answer = await review(env, "U3")
    assert "secret.example/plan" in json.dumps(answer)
    answer = await press(env, "U3", "flags_restore", secret)  # an admin may act on it either way
    assert "Restored: the flags of 1 person" in answer["text"]
