"""'Useful' on a digest shows that you voted, and a second press undoes it (issue 15)."""

from __future__ import annotations

from jobs.digest_readback import without_person_blocks
from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now


def useful_labels(message: dict[str, object]) -> dict[str, str]:
    """Each item's Useful button label, by item id."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return {
        str(e["value"]): str(e["text"]["text"])
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "digest_useful"
    }


async def votes_of(env: Env, item_id: str) -> str:
    return str({i["id"]: i for i in await env.items()}[item_id]["votes"])


async def test_useful_shows_the_vote_and_pressing_again_undoes_it(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U2", "C1", "two <https://two.example/b>")
    await env.slack.post_message("U1", "C2", "mine <https://mine.example/>")
    await env.settle()
    await send_now(env)
    message = digest_in(env, "U1")
    first, second = item_ids(message)
    dm, ts = env.slack.ws.dm_id("U1"), str(message["ts"])
    await env.slack.block_action("U1", "digest_useful", first, dm, ts)
    await env.settle()
    assert "U1" in await votes_of(env, first)
    assert useful_labels(digest_in(env, "U1")) == {first: "Useful ✓", second: "Useful"}
    await env.slack.block_action("U1", "digest_useful", first, dm, ts)
    await env.settle()
    assert "U1" not in await votes_of(env, first)
    shown = digest_in(env, "U1")
    assert useful_labels(shown) == {first: "Useful", second: "Useful"}
    # The marked layout still reads back for forget-me: the item is found by its button.
    cleared = without_person_blocks(shown, "U2", None, {first}, set())
    assert cleared is not None
    assert useful_labels(cleared) == {second: "Useful"}


async def test_in_a_channel_digest_the_answer_says_how_to_undo(env: Env) -> None:
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.settle()
    await send_now(env)
    message = digest_in(env, "C1")
    [item] = item_ids(message)
    for _ in range(2):
        await env.slack.block_action("U1", "digest_useful", item, "C1", str(message["ts"]))
        await env.settle()
    answers = [str(r.get("text")) for r in env.slack.responses]
    assert any("Press Useful again to undo" in a for a in answers)
    assert any("Undone: your vote" in a for a in answers)
    assert "U1" not in await votes_of(env, item)
    assert "✓" not in str(digest_in(env, "C1")["blocks"])  # a shared message shows nobody's vote
