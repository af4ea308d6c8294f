"""Digests sent before their views were kept (migration 7): the message as Slack returns it,
without one person's items, for forget-me. Pure functions over `build_digest`'s blocks.

An item is a section whose menu carries the item id (or, in digests sent before issue 15's
menu, a section followed by its actions block, whose "Useful" button carries it); a section
with neither (an open question in "Can you help?") cannot be told apart, so
a digest holding one is left to the caller to delete, as are digests where nothing of the
person is found or where their name would still show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from typing import Any

from bot.slacktext import escape
from jobs.digest_blocks import NOTICE_BLOCK, Block, menu_item_id
from jobs.ranking import why_with_one_vote_fewer

USEFUL = "digest_useful"
VOTES = re.compile(r" · :\+1: (\d+)")
BULLET = "• "  # how build_digest lists each item in the plain-text fallback


def item_id(block: Block) -> str | None:
    """The item id of an item's section (its menu), or of the actions block under an item
    of a digest sent with buttons (its Useful button); None for any other block."""
    if (found := menu_item_id(block)) is not None:
        return found
    elements = block.get("elements") if block.get("type") == "actions" else None
    for element in elements if isinstance(elements, list) else []:
        if isinstance(element, dict) and element.get("action_id") == USEFUL:
            value = element.get("value")
            return str(value) if isinstance(value, str) else None
    return None


def without_person_blocks(
    message: Mapping[str, Any],
    user_id: str,
    name: str | None,
    items: Collection[str],
    fewer_votes: Collection[str],
) -> dict[str, Any] | None:
    """The `text` and `blocks` of a sent digest without the items a person shared (or that
    show them as the sharer), one vote fewer on `fewer_votes`; None when that cannot be done
    safely or nothing would be left (the caller then deletes the digest)."""
    blocks = message.get("blocks")
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return None
    by = [f"{verb} by {escape(name)}" for verb in ("shared", "asked")] if name else []
    kept: list[Block] = []
    dropped: list[int] = []  # the positions, among the items, of those taken out
    position = 0
    for index, block in enumerate(blocks):
        if block.get("type") != "section" or _is_heading(block) or _is_notice(block):
            if item_id(block) is None or not dropped or dropped[-1] != position - 1:
                kept.append(block)
            continue
        found = item_id(block)
        if found is None and index + 1 < len(blocks):
            found = item_id(blocks[index + 1])
        if found is None:
            return None  # not an item with buttons: whose it is cannot be told
        text = str((block.get("text") or {}).get("text") or "")
        if found in items or _names(text, by):
            dropped.append(position)
        else:
            kept.append(_fewer(block, text) if found in fewer_votes else block)
        position += 1
    kept = _without_empty_headings(kept)
    shown = json.dumps(kept, ensure_ascii=False)
    if not dropped or position == len(dropped) or user_id in shown or _named(shown, name):
        return None
    return {"text": _text(message, kept, dropped, position), "blocks": kept}


def _is_notice(block: Block) -> bool:
    """The fatigue line ("monthly from now on", Keep it weekly): not an item; kept as Slack
    shows it (Keep it weekly has already replaced it there when pressed)."""
    return block.get("block_id") == NOTICE_BLOCK


def _names(text: str, by: list[str]) -> bool:
    """Whether a text shows the person as a sharer or asker (`item_line`: the name, then " ·"
    or the line's end; in JSON, the end is an escaped newline)."""
    return any(who + end in text for who in by for end in (" ·", "\n", "\\n"))


def _named(shown: str, name: str | None) -> bool:
    """Whether the person's name still shows anywhere, as a word: in another person's title
    ("@Alice explains …") too. Deleting such a digest says less than keeping their name."""
    if not name:
        return False
    word = re.escape(escape(name))
    return re.search(rf"(?<!\w){word}(?!\w)", shown, re.IGNORECASE) is not None


def _fewer(block: Block, text: str) -> Block:
    """An item's section with one vote fewer in its count and its "useful to" line."""
    head, _, why = text.rpartition("\n_")
    if not head or not why.endswith("_"):
        return block
    votes = VOTES.search(head)
    if votes is not None:
        count = int(votes.group(1)) - 1
        shown = f" · :+1: {count}" if count > 0 else ""
        head = head[: votes.start()] + shown + head[votes.end() :]
    line = f"{head}\n_{why_with_one_vote_fewer(why[:-1])}_"
    return {**block, "text": {**block["text"], "text": line}}


def _without_empty_headings(blocks: list[Block]) -> list[Block]:
    """Drop a section heading left with no item under it."""
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if _is_heading(block) and (after is None or not _is_item(after)):
            continue
        kept.append(block)
    return kept


def _is_item(block: Block) -> bool:
    return block.get("type") == "section" and not _is_heading(block)


def _is_heading(block: Block) -> bool:
    """A section heading: one bold line, in a section (issue 15) or a context (before it)."""
    if block.get("type") == "section":
        text = str((block.get("text") or {}).get("text") or "")
    else:
        elements = block.get("elements") if block.get("type") == "context" else None
        if not isinstance(elements, list) or len(elements) != 1:
            return False
        text = str(elements[0].get("text") or "") if isinstance(elements[0], dict) else ""
    return len(text) > 2 and text.startswith("*") and text.endswith("*") and "\n" not in text


def _text(message: Mapping[str, Any], kept: list[Block], dropped: list[int], items: int) -> str:
    """The plain-text fallback without the dropped items' lines; only the title when its
    lines do not match the items one to one."""
    lines = str(message.get("text") or "").split("\n")
    bullets = [i for i, line in enumerate(lines) if line.startswith(BULLET)]
    if len(bullets) == items:
        gone = {bullets[p] for p in dropped}
        return "\n".join(line for i, line in enumerate(lines) if i not in gone)
    header = kept[0].get("text") if kept and kept[0].get("type") == "header" else None
    return str(header.get("text") if isinstance(header, dict) else "") or "Serendip digest"
