"""Canonical URLs, so that two shares of one page become one item (rules in docs/interface.md)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "ref_src",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 4096
SPACE = re.compile(r"\s")  # matches exactly what str.isspace() calls whitespace, in C


def _is_tracking(param: str) -> bool:
    key = param.split("=", 1)[0].lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def canonical_url(raw: str) -> str | None:
    """Return the canonical form of an http(s) URL, or None when it is not a usable one."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_URL_LENGTH or SPACE.search(raw):
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    # Credentials typed into a URL are never worth keeping; hostname drops them.
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def domain_of(url: str) -> str:
    """The host of a canonical URL, for display and per-domain caps."""
    return urlsplit(url).hostname or ""


def link_key(url: str) -> str:
    """The key of the link item of a canonical URL: hosts that differ only by a leading `www.`
    are one page, so the key drops it (the item's `url` keeps the spelling first seen)."""
    parts = urlsplit(url)
    host = parts.netloc
    if host.startswith("www.") and "." in host[4:]:
        return "link:" + urlunsplit(parts._replace(netloc=host[4:]))
    return f"link:{url}"
