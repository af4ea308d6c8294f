"""Block Kit for the modals opened from the Home tab (search, delete my data): pure functions.

What a person typed (the query, found titles and texts) goes through `clip`, which escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.blocks.common import Block, context, section
from handlers.blocks.home import ShownItem, clip, fit, item_text

FIND_BLOCK, FIND_ACTION = "find_query", "text"


def modal(callback_id: str, title: str, blocks: list[Block], submit: str | None) -> dict[str, Any]:
    """A modal view (titles and buttons are our own words, within 24 characters)."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": fit(blocks),
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": submit[:24]}
    return view


def find_input(query: str = "") -> Block:
    """The one text input of the search modal."""
    element: Block = {"type": "plain_text_input", "action_id": FIND_ACTION, "max_length": 200}
    if query:
        element["initial_value"] = query[:200]
    return {
        "type": "input",
        "block_id": FIND_BLOCK,
        "element": element,
        "label": {"type": "plain_text", "text": "Search for"},
    }


def build_find_modal() -> dict[str, Any]:
    """The search modal opened from Home."""
    return modal("find_modal", "Search Serendip", [find_input()], "Search")


def build_find_results(query: str, hits: Sequence[ShownItem]) -> dict[str, Any]:
    """The search modal with its results under the query, ready for another search."""
    blocks = [find_input(query)]
    if hits:
        blocks.append(context(f"Results for *{clip(query, 200)}*:"))
        blocks += [section(item_text(hit)) for hit in hits]
    else:
        blocks.append(
            section(
                f"Nothing found for *{clip(query, 200)}*. It is noted as something "
                "the team may not know yet; sharing it would help."
            )
        )
    return modal("find_modal", "Search Serendip", blocks, "Search")


FORGET_TEXT = (
    "This deletes everything Serendip stored about you: your shares, votes, flags, questions "
    "and settings, and the bot's posts that credit you. Items others also shared stay, without "
    "your share. You stay opted out, so capture does not start again. This cannot be undone."
)


def build_forget_modal() -> dict[str, Any]:
    """The confirmation asked before "Delete my data" deletes anything."""
    return modal("forget_me_modal", "Delete my data", [section(FORGET_TEXT)], "Delete everything")
