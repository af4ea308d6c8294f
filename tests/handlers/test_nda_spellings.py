"""Every spelling of `!nda` a person reads as the mark keeps the message out of the live bot:
capture, edits, Save to Serendip and bookmarks; look-alikes that are not the mark do not."""

from __future__ import annotations

from tests.support.bot import Env
from tests.support.nda import (
    MARKED_BLOCKS,
    MARKED_TEXTS,
    UNMARKED_TEXTS,
    open_link,
    rich,
    secret_link,
    text_element,
    with_link,
)


async def urls(env: Env) -> set[str]:
    return {str(item["url"]) for item in await env.items() if item["url"]}


async def test_marked_messages_are_never_captured(env: Env) -> None:
    slack = env.slack
    for n, text in enumerate(MARKED_TEXTS):
        await slack.post_message("U1", "C1", f"{text} <{secret_link(n)}>")
    for n, blocks in enumerate(MARKED_BLOCKS, start=len(MARKED_TEXTS)):
        await slack.post_blocks("U1", "C1", with_link(blocks, secret_link(n)))
    for n, text in enumerate(UNMARKED_TEXTS):
        await slack.post_message("U1", "C1", f"{text} <{open_link(n)}>")
    kept = await urls(env)
    assert not {u for u in kept if u.startswith("https://secret")}
    assert {open_link(n) for n in range(len(UNMARKED_TEXTS))} <= kept


async def test_marked_in_blocks_although_the_text_does_not_say_it(env: Env) -> None:
    # The text is only the notification's fallback; what people see are the blocks.
    blocks = with_link(rich(text_element("!nda", italic=True)), secret_link(1))
    await env.slack.post_message("U1", "C1", "new post", blocks=blocks)
    assert await env.items() == []


async def test_an_edit_to_italic_nda_takes_the_message_back(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", f"plans <{secret_link(1)}>")
    assert await urls(env) == {secret_link(1)}
    await env.slack.edit_message("C1", msg["ts"], f"_!nda_ plans <{secret_link(1)}>")
    assert await env.items() == []


async def test_save_and_bookmark_refuse_every_spelling(env: Env) -> None:
    slack = env.slack
    posted = [await slack.post_message("U1", "C1", text) for text in MARKED_TEXTS]
    posted += [await slack.post_blocks("U1", "C1", blocks) for blocks in MARKED_BLOCKS]
    for msg in posted:
        await slack.message_shortcut("U1", "C1", msg["ts"], "save_to_serendip")  # their own
        await env.settle()
        assert "can't be saved" in slack.responses[-1]["text"], msg
        await slack.message_shortcut("U2", "C1", msg["ts"], "save_to_serendip")  # another's
        await env.settle()
        assert "can't be saved" in slack.responses[-1]["text"], msg
        await slack.add_reaction("U2", "C1", msg["ts"], "bookmark")
    assert await env.items() == []
    assert await env.store.bookmarks(env.team, "U2") == []
    # The same gestures on a message that is not marked do keep it.
    fine = await slack.post_message("U1", "C1", "the agenda!nda for monday")
    await slack.add_reaction("U2", "C1", fine["ts"], "bookmark")
    await env.settle()
    assert [b.text for b in await env.store.bookmarks(env.team, "U2")] == [
        "the agenda!nda for monday"
    ]
