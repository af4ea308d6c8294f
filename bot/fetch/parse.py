"""Title, description, site name, canonical URL and og:* fields of an HTML page, bounded.

Lexbor does no Python recursion, but its tree builder is superlinear on deep nesting of block
tags (100,000 nested <div>s take about half a minute). So a linear regex pass first keeps only the
tags that carry metadata (<title>, <meta>, <link>) and drops comments and raw-text blocks; Lexbor
then parses that flat list, which cannot nest, for entity decoding and attribute parsing.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from bot.fetch.target import BadTarget, parse_target

TITLE_CAP = 300
DESCRIPTION_CAP = 1_000
SITE_NAME_CAP = 300
OG_VALUE_CAP = 1_000
OG_MAX_FIELDS = 50
MAX_TAGS = 300
_RAW_TITLE_CAP = 20_000
_PRESCAN_BYTES = 1_024

# An attribute list that always ends: quoted values may hold '>', unterminated ones run to the end.
_ATTRS = r"""(?:[^>"']++|"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z))*+"""
_END = r"(?:[\s/][^>]*+)?(?:>|\Z)"
# Matched case-sensitively against an ASCII-lower-cased copy: four times faster than IGNORECASE
# on hostile input made of nothing but '<'.
_RAW_TEXT = "script|style|textarea|xmp|iframe|noembed|noframes|noscript|template|svg|math"
_TOKENS = re.compile(
    rf"<(?:!--.*?(?:-->|\Z)"
    rf"|({_RAW_TEXT})\b{_ATTRS}(?:>|\Z).*?(?:</\1{_END}|\Z)"
    rf"|title\b{_ATTRS}(?:>|\Z)(?P<title>.*?)(?:</title{_END}|\Z)"
    rf"|(?P<tag>(?:meta|link)\b{_ATTRS}(?:>|\Z)))",
    re.DOTALL,
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# As the HTML standard does: these labels mean windows-1252 on the web.
_WEB_LABELS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself, cleaned and capped."""

    title: str | None
    description: str | None
    site_name: str | None
    canonical_url: str | None
    og: dict[str, str] = field(default_factory=dict)


def parse_page(
    html: bytes | str, base_url: str, content_type_charset: str | None = None
) -> PageMeta:
    """Metadata of a page fetched from base_url (the final URL); never raises on hostile input."""
    text = html if isinstance(html, str) else decode_html(html, content_type_charset)
    doc = LexborHTMLParser(_metadata_tags(text))
    metas = _meta_values(doc)
    og = {k: v for k, v in metas.items() if k.startswith("og:")}
    og = {k: c for k, v in list(og.items())[:OG_MAX_FIELDS] if (c := clean(v, OG_VALUE_CAP))}
    title_node = doc.css_first("title")
    title_text = title_node.text() if title_node is not None else None
    return PageMeta(
        title=_first(TITLE_CAP, og.get("og:title"), title_text, metas.get("twitter:title")),
        description=_first(
            DESCRIPTION_CAP,
            og.get("og:description"),
            metas.get("description"),
            metas.get("twitter:description"),
        ),
        site_name=_first(SITE_NAME_CAP, og.get("og:site_name")),
        canonical_url=_canonical(doc, base_url),
        og=og,
    )


def decode_html(data: bytes, declared: str | None) -> str:
    """Decode with the BOM, the declared charset or a <meta charset>, else UTF-8; never raises."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(name, errors="replace")
    found = _CHARSET.search(data[:_PRESCAN_BYTES])
    prescanned = found.group(1).decode("ascii") if found else None
    codec = _text_codec(declared) or _text_codec(prescanned) or "utf-8"
    try:
        return data.decode(codec, errors="replace")
    except Exception:  # a codec may still fail in ways "replace" does not cover
        return data.decode("utf-8", errors="replace")


def _text_codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip("\"'").lower()[:40]
    name = _WEB_LABELS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    # Refuse bytes-to-bytes "codecs" such as base64 or zlib, which are no text encoding.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def clean(value: str | None, cap: int) -> str | None:
    """Whitespace collapsed, control characters dropped, at most cap characters; None if empty."""
    if value is None:
        return None
    text = " ".join(_CONTROL.sub("", value[: cap * 8]).split())
    if len(text) > cap:
        text = text[: cap - 1].rstrip() + "…"
    return text or None


def _metadata_tags(text: str) -> str:
    text = text.replace("\x00", "")
    folded = text.lower()
    if len(folded) != len(text):  # a few non-ASCII letters change length when lower-cased
        folded = text.translate(_ASCII_LOWER)
    pieces: list[str] = []
    title_seen = False
    for match in _TOKENS.finditer(folded):
        if match.start("tag") >= 0 and len(pieces) < MAX_TAGS:
            pieces.append("<" + text[match.start("tag") : match.end("tag")])
        elif match.start("title") >= 0 and not title_seen:
            title_seen = True
            start = match.start("title")
            raw = text[start : min(match.end("title"), start + _RAW_TITLE_CAP)]
            pieces.append("<title>" + raw + "</title>")
    return "<!DOCTYPE html><html><head>" + "".join(pieces) + "</head></html>"


def _meta_values(doc: LexborHTMLParser) -> dict[str, str]:
    values: dict[str, str] = {}
    for node in doc.css("meta"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()[:100]
        content = attrs.get("content")
        if key and content is not None and key not in values:
            values[key] = content
    return values


def _first(cap: int, *candidates: str | None) -> str | None:
    for candidate in candidates:
        cleaned = clean(candidate, cap)
        if cleaned:
            return cleaned
    return None


def _canonical(doc: LexborHTMLParser, base_url: str) -> str | None:
    for node in doc.css("link"):
        attrs = node.attributes
        rel = (attrs.get("rel") or "").lower().split()
        href = (attrs.get("href") or "").strip()
        if "canonical" in rel and href:
            try:
                return str(parse_target(href, parse_target(base_url).url).url)
            except BadTarget:
                return None
    return None
