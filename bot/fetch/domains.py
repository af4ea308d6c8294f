"""Registrable domains from the public suffix list bundled with tldextract, fully offline."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address
from typing import Any

import tldextract
from yarl import URL

# No suffix list URLs and no cache directory: tldextract then neither downloads the list nor
# reads or writes a disk cache, and falls back to the snapshot shipped inside the package.
# Private suffixes (github.io, blogspot.com) count, so two users' sites there are not one site.
TLDEXTRACT_OPTIONS: dict[str, Any] = {
    "cache_dir": None,
    "suffix_list_urls": (),
    "fallback_to_snapshot": True,
    "include_psl_private_domains": True,
}
_EXTRACT = tldextract.TLDExtract(**TLDEXTRACT_OPTIONS)


def same_site(url_a: str, url_b: str) -> bool:
    """True when both http(s) URLs are on the same registrable domain (eTLD+1)."""
    site_a, site_b = site_of(url_a), site_of(url_b)
    return site_a is not None and site_a == site_b


def site_of(url: str) -> str | None:
    """The registrable domain of a URL; the whole host for IPs and names without a known suffix."""
    try:
        parsed = URL(url)
        host = parsed.raw_host
    except (ValueError, TypeError):
        return None
    if parsed.scheme not in ("http", "https") or not host:
        return None
    return _site_of_host(host.lower().rstrip("."))


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> str | None:
    if not host:
        return None
    try:
        ip_address(host)
    except ValueError:
        pass
    else:
        return host
    registrable: str = _EXTRACT.extract_str(host).top_domain_under_public_suffix
    # localhost, intranet names and bare public suffixes have no eTLD+1: only the same host matches.
    return registrable or host
