"""Spellings of `!nda` a person reads as the mark, and look-alikes that are not it: one table
for the rule's unit tests, the live bot, the import and Save to Serendip."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

# Message texts (Slack's wire markup) that a person reads as marked `!nda`.
MARKED_TEXTS = [
    "!nda",
    "internal (!NDA)",
    "_!nda_ secret",  # italic: `_` is mrkdwn, not a letter
    "*!nda* secret",
    "~!nda~ secret",
    "`!nda` secret",
    "*_!nda_* secret",
    "_*~!nda~*_ secret",
    "```!nda``` secret",
    "!_nda_ secret",  # emphasis inside the word
    "secret, _!Nda_",
    "secret <https://example.com/y|!nda plans>",  # a link's label is read
    "secret <mailto:a@example.com|!nda>",
    "\uff01nda secret",  # fullwidth exclamation mark
    "\uff01\uff4e\uff44\uff41 secret",  # fullwidth, every letter
    "!\uff2e\uff24\uff21 secret",
    "!\U0001d427\U0001d41d\U0001d41a secret",  # mathematical bold letters
    "!\u200bnda secret",  # a zero-width space inside
    "!n\u00adda secret",  # a soft hyphen inside
    "!\u2063nda secret",  # an invisible separator
    "!\u2062nda secret",  # an invisible times
    "!n\u034fda secret",  # a combining grapheme joiner
    "!!nda secret",
    "&gt; !nda quoted",
    "secret:!nda",
]

# Texts where `!nda` is not a word of its own, or is not read as the author's.
UNMARKED_TEXTS = [
    "the agenda!nda",  # glued to a word: not a token a person reads as the mark
    "!ndafoo",
    "!nda-free",
    "nda",
    "ndas and agendas",
    "! nda",
    "see <https://example.com/!nda>",  # a link's target is not read
    "<https://example.com/?q=!nda|the page>",
    "<@U1|!nda> said hi",  # a mention shows a name, not the author's word
    "<#C1|!nda>",
]


def text_element(text: str, **style: bool) -> JSON:
    """A rich_text `text` element, styled as Slack's composer sends emphasis."""
    return {"type": "text", "text": text, **({"style": style} if style else {})}


def rich(*elements: JSON) -> list[JSON]:
    """One rich_text block of one section."""
    section = {"type": "rich_text_section", "elements": list(elements)}
    return [{"type": "rich_text", "block_id": "b1", "elements": [section]}]


# Blocks (with an empty text, as API and workflow posts are) that show `!nda`.
MARKED_BLOCKS = [
    rich(text_element("!nda", italic=True), text_element(" secret")),
    rich(text_element("!", bold=True), text_element("nda", italic=True, strike=True)),
    rich(text_element("\uff01\uff4e\uff44\uff41 secret")),
    rich({"type": "link", "url": "https://example.com/y", "text": "!nda plans"}),
    [{"type": "section", "text": {"type": "mrkdwn", "text": "_!nda_ secret"}}],
    [{"type": "header", "text": {"type": "plain_text", "text": "!NDA"}}],
]


def secret_link(n: int) -> str:
    """The link a marked message shares: it must never be kept."""
    return f"https://secret{n}.example/"


def open_link(n: int) -> str:
    """The link an unmarked message shares: it is kept."""
    return f"https://open{n}.example/"


def with_link(blocks: list[JSON], url: str) -> list[JSON]:
    """The same blocks with one more rich_text block carrying a link."""
    return [*blocks, *rich({"type": "link", "url": url})]
