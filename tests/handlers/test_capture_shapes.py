"""Capture of the shapes people's messages take beyond typed text: a learning addressed to the
bot, links only in rich_text blocks, permalinks and shared messages."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def kinds(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return sorted((str(i["kind"]), i["url"]) for i in items)


async def test_a_learning_may_start_with_the_bots_mention(env: Env) -> None:
    bot = env.slack.ident.bot_user_id
    # Arrives twice (as `message` and as `app_mention`): still one learning.
    msg = await env.slack.post_message("U1", "C1", f"<@{bot}> TIL sqlite has WAL <https://w.com/>")
    items = await env.items()
    assert kinds(items) == [("learning", "https://w.com/"), ("link", "https://w.com/")]
    learning = next(i for i in items if i["kind"] == "learning")
    assert learning["shares"][0]["ts"] == msg["ts"]
    assert learning["text"].endswith("TIL sqlite has WAL https://w.com/")
