"""A /til in a direct message is a personal note: its author's alone until they share it."""

from __future__ import annotations

import time
from typing import Any

from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now
from tests.support.find import find, result_texts
from tests.support.home import buttons, open_home, press


def share_button(body: dict[str, Any]) -> str:
    """The value of the "Share with the team" button on a DM /til's confirmation."""
    [value] = [
        e["value"]
        for b in body.get("blocks") or []
        for e in b.get("elements", [])
        if e.get("action_id") == "note_share"
    ]
    return str(value)


async def learnings_counted(env: Env) -> int:
    stats = await env.store.learning_stats(env.team, time.time() + 60, 7, 10, people=True)
    return int(stats["current"]["learnings"])


async def test_a_dm_til_is_found_only_by_its_author_until_shared(env: Env) -> None:
    dm = env.slack.dm_channel("U1")
    ack = await env.slack.slash_command("U1", dm, "/til", "zanzibar caches need warming")
    assert "only you see it" in str(ack.body)
    item_id = share_button(ack.body or {})
    await env.settle()
    assert not env.slack.calls_of("chat.postMessage")
    assert "zanzibar" in result_texts(await find(env, "U1", "zanzibar"))[0]
    assert not result_texts(await find(env, "U2", "zanzibar"))  # colleagues find nothing
    assert await learnings_counted(env) == 0  # not counted as shared
    [item] = await env.items()
    assert item["private"] is True
    assert item["shares"][0]["channel"] is None

    await env.slack.block_action(
        "U1", "note_share", item_id, channel=dm, container_type="ephemeral"
    )
    await env.settle()
    assert "Shared with the team" in env.slack.responses[-1]["text"]
    assert "zanzibar" in result_texts(await find(env, "U2", "zanzibar"))[0]
    assert await learnings_counted(env) == 1
    [item] = await env.items()
    assert item["private"] is False
    assert item["shares"][0]["channel"] is None


async def test_only_the_author_may_share_a_note(env: Env) -> None:
    dm = env.slack.dm_channel("U1")
    ack = await env.slack.slash_command("U1", dm, "/til", "quokka tuning notes")
    item_id = share_button(ack.body or {})
    other = env.slack.dm_channel("U2")
    await env.slack.block_action(
        "U2", "note_share", item_id, channel=other, container_type="ephemeral"
    )
    await env.settle()
    assert "Nothing shared" in env.slack.responses[-1]["text"]
    assert not result_texts(await find(env, "U2", "quokka"))


async def test_a_group_dm_note_is_shared_from_home_and_kept_out_of_digests(env: Env) -> None:
    group_dm = env.slack.ws.mpim_with(["U1", "U2"]).id
    await env.slack.slash_command("U1", group_dm, "/til", "note <https://note.example/x>")
    await env.slack.post_message("U2", "C1", "look <https://public.example/y>")
    await env.settle()
    [note] = [i["id"] for i in await env.items() if i["kind"] == "learning"]
    noted = {i["id"] for i in await env.items() if i["shares"][0]["channel"] is None}
    assert "your personal note" in await open_home(env, "U1")
    assert note in buttons(env, "U1", "home_share_note")
    await open_home(env, "U2")
    assert note not in buttons(env, "U2", "home_delete_learning")
    await send_now(env)
    offered = item_ids(digest_in(env, "C1"))
    assert offered
    assert not noted & set(offered)  # the public link is offered, the note and its link not
    assert "Shared with the team" in await press(env, "U1", "home_share_note", note)
    assert note not in buttons(env, "U1", "home_share_note")
    assert "note.example" in result_texts(await find(env, "U2", "note"))[0]
