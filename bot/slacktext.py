"""Reading Slack's message markup: links, learnings, `!nda`, and text as a person reads it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.urls import canonical_url

TOKEN = re.compile(r"<([^<>]*)>")
TIL_START = re.compile(r"^til(?![^\W_]|['-])", re.IGNORECASE)
HASHTAG = re.compile(r"(?<![\w#/&])#(til|learned)(?![\w-])", re.IGNORECASE)
# `!nda` as a word of its own, in text already folded by `marks_nda`: no letter or digit just
# before it (`agenda!nda` is not the mark), none just after (`!ndafoo`), nor a hyphen (`!nda-free`).
NDA = re.compile(r"(?<![^\W_])!nda(?![^\W_]|-)")
EMPHASIS = "*_~`"  # mrkdwn's bold, italic, strike and code marks
# Format characters (Unicode category Cf: soft hyphen, zero-width joiners, invisible times and
# separators, BOM, …) and the combining grapheme joiner show nothing where they sit.
INVISIBLE_TOO = "\u034f"
# "@serendip TIL …": user mentions (the bot's or anyone's) may come before the TIL marker.
LEADING_MENTIONS = re.compile(r"^(?:\s*<@[UW][A-Z0-9]+(?:\|[^<>]*)?>[\s,:]*)+")
LEARNING_CHANNELS = frozenset({"til", "learned"})
# A message's permalink, on any workspace's domain (older exports name the channel, not its id).
SLACK_PERMALINK = re.compile(r"^https?://(?:[a-z0-9-]+\.)*slack\.com/archives/[^/?#]+/p\d+", re.I)
RICH_TEXT_PARTS = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_quote", "rich_text_preformatted"}
)
RICH_REFS = {  # rich_text elements that stand for a `<…>` reference in text
    "user": ("@", "user_id"),
    "channel": ("#", "channel_id"),
    "usergroup": ("!subteam^", "usergroup_id"),
    "broadcast": ("!", "range"),
}
MAX_LINKS = 200  # a message with more links than this is a link dump, not a share of each


@dataclass(frozen=True)
class Link:
    """One link found in a message, with what Slack's unfurl said about it."""

    url: str
    title: str | None = None
    description: str | None = None
    site_name: str | None = None


@dataclass(frozen=True)
class ParsedMessage:
    """What capture needs to know about one message."""

    links: tuple[Link, ...]
    learning: bool
    nda: bool
    unnamed_channels: tuple[str, ...] = field(default=())


def unescape(text: str) -> str:
    """Undo Slack's three HTML entities (and only those)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Make user-supplied text inert in mrkdwn: no links, mentions or pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """Text cut to `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")
SLACK_TS = re.compile(r"\d{1,12}\.\d{1,8}")


def message_link(
    workspace_url: str | None, channel: str, ts: str, thread_ts: str | None = None
) -> str | None:
    """A message's permalink, built as Slack builds it from the workspace's address (auth.test's
    `url`): no API call per message. None when the address or the message is not known."""
    if not workspace_url or not workspace_url.startswith(("https://", "http://")):
        return None
    if not SLACK_ID.fullmatch(channel) or not SLACK_TS.fullmatch(ts):
        return None
    link = f"{workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts and SLACK_TS.fullmatch(thread_ts):
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link


def safe_url(url: str | None) -> str:
    """A URL that cannot close Slack's `<url|label>` markup early."""
    return (url or "").replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _link_tokens(text: str) -> Iterable[str]:
    for match in TOKEN.finditer(text):
        target = match.group(1).split("|", 1)[0]
        if target[:7].lower() == "http://" or target[:8].lower() == "https://":
            yield unescape(target)


def _kind(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    return kind if isinstance(kind, str) else ""


def _rich_parts(node: Mapping[str, Any], depth: int) -> Iterable[Mapping[str, Any]]:
    elements = node.get("elements")
    if not isinstance(elements, list) or depth > 4:
        return
    for element in elements:
        if not isinstance(element, Mapping):
            continue
        if _kind(element) in RICH_TEXT_PARTS:
            yield from _rich_parts(element, depth + 1)
            yield {"type": "text", "text": "\n"}
        else:
            yield element


def rich_text_elements(blocks: Iterable[object]) -> Iterable[Mapping[str, Any]]:
    """The inline elements (text, link, user, …) of a message's rich_text blocks, in order,
    a line break after each section, list item, quote and code block; odd entries skipped."""
    for block in blocks:
        if isinstance(block, Mapping) and block.get("type") == "rich_text":
            yield from _rich_parts(block, 0)


def _rich_links(blocks: Iterable[object]) -> Iterable[Link]:
    for element in rich_text_elements(blocks):
        url = element.get("url")
        if _kind(element) == "link" and isinstance(url, str):
            yield Link(url=url)


def _markup(element: Mapping[str, Any]) -> str:
    kind, text = _kind(element), element.get("text")
    if kind == "link" and isinstance(element.get("url"), str):
        url = escape(element["url"]).replace("|", "%7C")
        return f"<{url}|{escape(text)}>" if isinstance(text, str) and text else f"<{url}>"
    if kind in RICH_REFS:
        prefix, key = RICH_REFS[kind]
        ref = element.get(key)
        return f"<{prefix}{ref}>" if isinstance(ref, str) and ref.isalnum() else ""
    if kind == "emoji" and isinstance(element.get("name"), str):
        return f":{element['name']}:"
    found = text if isinstance(text, str) else element.get("fallback")
    return escape(found) if isinstance(found, str) else ""


def rich_text_markup(blocks: Iterable[object]) -> str:
    """A message's rich_text blocks as Slack markup, the way its `text` would say it."""
    return "".join(_markup(e) for e in rich_text_elements(blocks)).strip()


def is_slack_permalink(url: str) -> bool:
    """A link to a Slack message: it points at another message, it shares nothing itself."""
    return bool(SLACK_PERMALINK.match(url))


def is_message_share(attachment: Mapping[str, Any]) -> bool:
    """Slack's copy of a shared (forwarded) message, or its unfurl of a message's permalink."""
    return bool(attachment.get("is_msg_unfurl") or attachment.get("is_share"))


def _attachment_links(attachments: Iterable[Mapping[str, Any]]) -> Iterable[Link]:
    for att in attachments:
        if not isinstance(att, Mapping) or is_message_share(att):
            continue  # another message's words are no title or description of a link here
        raw = att.get("from_url") or att.get("original_url") or att.get("title_link")
        if isinstance(raw, str):
            yield Link(
                url=unescape(raw),
                title=_clean(att.get("title")),
                description=_clean(att.get("text")),
                site_name=_clean(att.get("service_name")),
            )


def _clean(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return unescape(value.strip())[:1000]
    return None


def find_links(
    text: str, attachments: Iterable[Mapping[str, Any]] = (), blocks: Iterable[object] = ()
) -> tuple[Link, ...]:
    """Canonical http(s) links of a message, text first, then its rich_text blocks (an API or
    workflow post may carry its links there alone), unfurl details merged in."""
    found: dict[str, Link] = {}
    candidates = [Link(url=u) for u in _link_tokens(text)] + list(_rich_links(blocks))
    candidates += _attachment_links(attachments)
    for link in candidates:
        url = canonical_url(link.url)
        if url is None or is_slack_permalink(url):
            continue
        old = found.get(url)
        found[url] = Link(
            url=url,
            title=(old.title if old else None) or link.title,
            description=(old.description if old else None) or link.description,
            site_name=(old.site_name if old else None) or link.site_name,
        )
        if len(found) >= MAX_LINKS:
            break
    return tuple(found.values())


def _starts_with_til(text: str) -> bool:
    text = LEADING_MENTIONS.sub("", text, count=1)
    return bool(TIL_START.match(text.lstrip().lstrip("*_~`> ").lstrip()))


def _channel_refs(text: str) -> tuple[bool, tuple[str, ...]]:
    named, unnamed = False, []
    for match in TOKEN.finditer(text):
        body = match.group(1)
        if not body.startswith("#"):
            continue
        channel, _, label = body[1:].partition("|")
        if label.strip().lower() in LEARNING_CHANNELS:
            named = True
        elif not label.strip():
            unnamed.append(channel)
    return named, tuple(unnamed)


def parse_message(
    text: str, attachments: Iterable[Mapping[str, Any]] = (), blocks: Iterable[object] = ()
) -> ParsedMessage:
    """Find a message's links and whether it is a learning or marked `!nda`."""
    plain = TOKEN.sub(" ", text)
    named, unnamed = _channel_refs(text)
    learning = _starts_with_til(text) or bool(HASHTAG.search(plain)) or named
    return ParsedMessage(
        links=find_links(text, attachments, blocks),
        learning=learning,
        nda=marks_nda(text) or marks_nda(_block_words(blocks)),
        unnamed_channels=() if learning else unnamed,
    )


def marks_nda(text: str) -> bool:
    """Whether a person reading this markup sees the word `!nda`: in any case, in mrkdwn
    emphasis (`_!nda_`, `*~!nda~*`, `` `!nda` ``, also `!_nda_`), in a link's label, in
    fullwidth or other compatibility letters (NFKC), with invisible characters inside.
    A link's target is not read: `<https://x.com/!nda>` is not the mark."""
    shown = unicodedata.normalize("NFKC", unescape(TOKEN.sub(_label, text)))
    shown = _visible(shown).casefold()
    # Emphasis marks around the word are no letters (`_!nda_`); inside it they join (`!_nda_`).
    spaced = shown.translate(dict.fromkeys(map(ord, EMPHASIS), " "))
    joined = shown.translate(dict.fromkeys(map(ord, EMPHASIS)))
    return bool(NDA.search(spaced) or NDA.search(joined))


def _visible(text: str) -> str:
    """The text without the characters that show nothing."""
    return "".join(c for c in text if c != INVISIBLE_TOO and unicodedata.category(c) != "Cf")


def _label(match: re.Match[str]) -> str:
    """What a `<…>` token shows that its author wrote: a link's label; a mention's or a
    channel's name is not the author's word."""
    target, _, label = match.group(1).partition("|")
    return " " if target[:1] in ("@", "#", "!") else f" {label} "


def _block_words(blocks: Iterable[object]) -> str:
    """The words a message's blocks show: its rich text as markup, and the text objects of
    other blocks (a section's mrkdwn, a header), one per line."""
    return "\n".join([rich_text_markup(blocks), *_text_objects(blocks, 0)])


def _text_objects(node: object, depth: int) -> Iterable[str]:
    if depth > 6:
        return
    if isinstance(node, Mapping):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield node["text"]
            return
        for value in node.values():
            yield from _text_objects(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _text_objects(value, depth + 1)


def readable(text: str, user_name: Callable[[str], str | None] = lambda _: None) -> str:
    """Slack markup as a person reads it (the export's `text`)."""

    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        target, _, label = body.partition("|")
        if target.startswith("@"):
            return "@" + (label or user_name(target[1:]) or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        return label or target

    return unescape(TOKEN.sub(replace, text))


def mentioned_users(text: str) -> tuple[str, ...]:
    """User ids mentioned as `<@U…>` in a message."""
    bodies = (m.group(1) for m in TOKEN.finditer(text))
    ids = (b[1:].split("|", 1)[0] for b in bodies if b.startswith("@"))
    return tuple(dict.fromkeys(i for i in ids if i[:1] in ("U", "W")))
