"""One hop's URL, parsed once with yarl (the parser aiohttp connects with) and checked for shape."""

from __future__ import annotations

from dataclasses import dataclass

from yarl import URL

from bot.fetch.policy import IPAddress, literal_address, valid_host_name

MAX_URL_LENGTH = 4096


class BadTarget(ValueError):
    """A URL the fetcher will not request: wrong scheme, credentials, or a malformed host."""


@dataclass(frozen=True, slots=True)
class Target:
    """A URL ready to request: host lower-case, numeric hosts rewritten to their address."""

    url: URL
    host: str
    port: int
    literal: IPAddress | None


def parse_target(text: str, base: URL | None = None) -> Target:
    """Parse an absolute URL, or a redirect's Location against base; raise BadTarget."""
    if len(text) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in text):
        raise BadTarget("malformed URL")
    try:
        url = URL(text)
        if base is not None:
            url = base.join(url)
        host, port = url.raw_host, url.port
    except (ValueError, TypeError):
        raise BadTarget("malformed URL") from None
    if url.scheme not in ("http", "https"):
        raise BadTarget("not an http(s) URL")
    if url.raw_user is not None or url.raw_password is not None:
        raise BadTarget("credentials in URL")
    if not host or port is None:
        raise BadTarget("URL without a host")
    return _checked_host(url.with_fragment(None), host.lower(), port)


def _checked_host(url: URL, host: str, port: int) -> Target:
    if "%" in host:
        # Percent-escapes and IPv6 zone ids have no place in a public URL.
        raise BadTarget("malformed host")
    try:
        literal = literal_address(host)
    except ValueError:
        raise BadTarget("malformed numeric host") from None
    if literal is not None:
        # Connect to, and report, the one canonical spelling of the address that was judged.
        canonical = str(literal)
        return Target(url.with_host(canonical), canonical, port, literal)
    if not valid_host_name(host):
        raise BadTarget("malformed host")
    return Target(url, host, port, None)
