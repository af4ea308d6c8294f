"""Reading Slack's message markup: links, learnings, `!nda`, and text as a person reads it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.urls import canonical_url

TOKEN = re.compile(r"<([^<>]*)>")
TIL_START = re.compile(r"^til(?![^\W_]|['-])", re.IGNORECASE)
HASHTAG = re.compile(r"(?<![\w#/&])#(til|learned)(?![\w-])", re.IGNORECASE)
NDA = re.compile(r"(?<![\w!])!nda(?![\w-])", re.IGNORECASE)
# "@serendip TIL …": user mentions (the bot's or anyone's) may come before the TIL marker.
LEADING_MENTIONS = re.compile(r"^(?:\s*<@[UW][A-Z0-9]+(?:\|[^<>]*)?>[\s,:]*)+")
LEARNING_CHANNELS = frozenset({"til", "learned"})
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


def safe_url(url: str | None) -> str:
    """A URL that cannot close Slack's `<url|label>` markup early."""
    return (url or "").replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _link_tokens(text: str) -> Iterable[str]:
    for match in TOKEN.finditer(text):
        target = match.group(1).split("|", 1)[0]
        if target[:7].lower() == "http://" or target[:8].lower() == "https://":
            yield unescape(target)


def _attachment_links(attachments: Iterable[Mapping[str, Any]]) -> Iterable[Link]:
    for att in attachments:
        if not isinstance(att, Mapping):
            continue
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


def find_links(text: str, attachments: Iterable[Mapping[str, Any]] = ()) -> tuple[Link, ...]:
    """Canonical http(s) links of a message, text first, unfurl details merged in."""
    found: dict[str, Link] = {}
    candidates = [Link(url=u) for u in _link_tokens(text)] + list(_attachment_links(attachments))
    for link in candidates:
        url = canonical_url(link.url)
        if url is None:
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


def parse_message(text: str, attachments: Iterable[Mapping[str, Any]] = ()) -> ParsedMessage:
    """Find a message's links and whether it is a learning or marked `!nda`."""
    plain = TOKEN.sub(" ", text)
    named, unnamed = _channel_refs(text)
    learning = _starts_with_til(text) or bool(HASHTAG.search(plain)) or named
    return ParsedMessage(
        links=find_links(text, attachments),
        learning=learning,
        nda=bool(NDA.search(plain)),
        unnamed_channels=() if learning else unnamed,
    )


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
