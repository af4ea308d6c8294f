"""Block Kit limits that Slack enforces server-side, answered as invalid_blocks."""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MAX_TEXT = 40_000
MAX_ATTACHMENTS = 100

KNOWN_BLOCKS = frozenset(
    {
        "actions",
        "call",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)


class BlockError(Exception):
    """A block or element breaks a Block Kit rule."""


def _text_of(obj: Any, where: str) -> str:
    """Return the text of a text object, or raise when it is malformed."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"]:
        raise BlockError(f"{where}: non-empty text object expected")
    text: str = obj["text"]
    return text


def _max_len(value: Any, limit: int, where: str) -> None:
    """Raise when a string value is longer than limit."""
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise BlockError(f"{where}: longer than {limit} or not a string")


def _check_element(element: Any) -> None:
    """Check one interactive element (button, select, input...)."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        raise BlockError("element without type")
    _max_len(element.get("action_id"), 255, "action_id")
    if element["type"] == "button":
        if len(_text_of(element.get("text"), "button text")) > 75:
            raise BlockError("button text longer than 75")
        _max_len(element.get("value"), 2000, "button value")
        _max_len(element.get("url"), 3000, "button url")
    elif element["type"] == "overflow":
        options = element.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 5:
            raise BlockError("overflow: 2..5 options")
        for option in options:
            _check_option(option)


def _check_option(option: Any) -> None:
    """Check one option object (overflow, selects): text up to 75, value up to 150."""
    if not isinstance(option, dict):
        raise BlockError("option is not an object")
    if len(_text_of(option.get("text"), "option text")) > 75:
        raise BlockError("option text longer than 75")
    if not isinstance(option.get("value"), str) or not option["value"]:
        raise BlockError("option without value")
    _max_len(option["value"], 150, "option value")


def _check_section(block: dict[str, Any]) -> None:
    """Check a section block's text, fields and accessory."""
    if "text" not in block and "fields" not in block:
        raise BlockError("section needs text or fields")
    if "text" in block and len(_text_of(block["text"], "section text")) > 3000:
        raise BlockError("section text longer than 3000")
    fields = block.get("fields", [])
    if not isinstance(fields, list) or len(fields) > 10:
        raise BlockError("section fields: more than 10")
    for item in fields:
        if len(_text_of(item, "section field")) > 2000:
            raise BlockError("section field longer than 2000")
    if "accessory" in block:
        _check_element(block["accessory"])


def _check_list(block: dict[str, Any], limit: int) -> list[Any]:
    """Return a block's elements list, raising when absent or too long."""
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements or len(elements) > limit:
        raise BlockError(f"{block['type']}: 1..{limit} elements")
    return elements


def _check_block(block: Any) -> None:
    """Check one block against its type's rules."""
    if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCKS:
        raise BlockError("unknown block type")
    _max_len(block.get("block_id"), 255, "block_id")
    kind = block["type"]
    if kind == "section":
        _check_section(block)
    elif kind == "header":
        if len(_text_of(block.get("text"), "header text")) > 150:
            raise BlockError("header text longer than 150")
    elif kind == "context":
        _check_list(block, 10)
    elif kind == "actions":
        for element in _check_list(block, 25):
            _check_element(element)
    elif kind == "input":
        _max_len(_text_of(block.get("label"), "input label"), 2000, "input label")
        _check_element(block.get("element"))
    elif kind == "image":
        _max_len(block.get("alt_text"), 2000, "alt_text")
        _max_len(block.get("image_url"), 3000, "image_url")


def check_blocks(blocks: Any, limit: int) -> str | None:
    """Return a Slack error code for a blocks value, or None when it is valid."""
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return "invalid_blocks_format"
    if len(blocks) > limit:
        return "invalid_blocks"
    try:
        for block in blocks:
            _check_block(block)
    except BlockError:
        return "invalid_blocks"
    return None


def check_message(text: Any, blocks: Any, attachments: Any) -> str | None:
    """Return the error Slack gives for a message body, or None when it is valid."""
    if text is not None and not isinstance(text, str):
        return "invalid_arguments"
    if attachments is not None and not isinstance(attachments, list):
        return "invalid_attachments"
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        return "too_many_attachments"
    if not text and not blocks and not attachments:
        return "no_text"
    if text and len(text) > MAX_TEXT:
        return "msg_too_long"
    return check_blocks(blocks, MESSAGE_BLOCKS)


def _text_len(obj: Any) -> int:
    """Length of a text object's text (0 when absent)."""
    return len(obj.get("text", "")) if isinstance(obj, dict) else 0


def check_view(view: Any, kinds: tuple[str, ...]) -> str | None:
    """Return the error Slack gives for a view (views.* or response_action), or None."""
    if not isinstance(view, dict) or view.get("type") not in kinds:
        return "invalid_arguments"
    error = check_blocks(view.get("blocks", []), VIEW_BLOCKS)
    if error:
        return error
    too_long = (
        len(str(view.get("private_metadata", ""))) > 3000
        or len(str(view.get("callback_id", ""))) > 255
        or any(_text_len(view.get(k)) > 24 for k in ("title", "close", "submit"))
    )
    return "invalid_arguments" if too_long else None
