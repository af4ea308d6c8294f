"""Safe link fetching: the SSRF-proof HTTP client, the page parser and site comparison."""

from bot.fetch.client import FetchResult, FetchStatus, SafeFetcher
from bot.fetch.domains import same_site
from bot.fetch.parse import PageMeta, parse_page
from bot.fetch.policy import AllowList
from bot.fetch.resolver import FakeResolver, LookupFailed, Resolver, SystemResolver

__all__ = [
    "AllowList",
    "FakeResolver",
    "FetchResult",
    "FetchStatus",
    "LookupFailed",
    "PageMeta",
    "Resolver",
    "SafeFetcher",
    "SystemResolver",
    "parse_page",
    "same_site",
]
