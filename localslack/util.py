"""Small helpers: timestamps, ids, cursors, rich_text and address checks."""

from __future__ import annotations

import base64
import binascii
import html
import ipaddress
import itertools
import re
import secrets
import time
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .types import JSON, ApiError

_TOKEN_RE = re.compile(r"<([^<>]*)>")
_counter = itertools.count(1)


class TsClock:
    """Hands out unique, strictly increasing Slack timestamps "%d.%06d"."""

    def __init__(self) -> None:
        """Start just before the current time."""
        self._last = 0

    def start_at(self, seconds: float) -> None:
        """Hand out no ts before `seconds` (tests whose clock runs ahead of the real one)."""
        self._last = max(self._last, int(seconds * 1_000_000))

    def next(self) -> str:
        """Return a new ts later than every ts handed out before."""
        now = int(time.time() * 1_000_000)
        self._last = max(now, self._last + 1)
        return f"{self._last // 1_000_000}.{self._last % 1_000_000:06d}"


def ts_key(ts: str) -> int:
    """Turn a Slack ts into integer microseconds; ValueError when malformed."""
    whole, _, frac = ts.strip().partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"bad ts {ts!r}")
    return int(whole) * 1_000_000 + int((frac + "000000")[:6])


def new_id(prefix: str, width: int = 9) -> str:
    """Return a unique Slack-looking id such as "Ev0001A2B3C"."""
    serial = f"{next(_counter):04d}"
    tail = secrets.token_hex(width).upper()[: max(width - len(serial), 2)]
    return f"{prefix}{serial}{tail}"


def new_trigger_id() -> str:
    """Return a trigger_id shaped like Slack's ("111.222.abc")."""
    return f"{next(_counter)}.{int(time.time())}.{secrets.token_hex(16)}"


def encode_cursor(kind: str, value: str) -> str:
    """Make an opaque base64 cursor."""
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> str:
    """Read a cursor made by encode_cursor; ApiError invalid_cursor otherwise."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ApiError("invalid_cursor") from exc
    prefix, sep, value = text.partition(":")
    if prefix != kind or not sep:
        raise ApiError("invalid_cursor")
    return value


def _rich_element(token: str) -> JSON:
    """Turn one <…> control sequence into a rich_text element."""
    body, _, label = token.partition("|")
    if body.startswith("@"):
        return {"type": "user", "user_id": body[1:]}
    if body.startswith("#"):
        return {"type": "channel", "channel_id": body[1:]}
    if body in ("!here", "!channel", "!everyone"):
        return {"type": "broadcast", "range": body[1:]}
    if body.startswith("!subteam^"):
        return {"type": "usergroup", "usergroup_id": body[len("!subteam^") :]}
    if body.startswith("!"):
        return {"type": "text", "text": html.unescape(label or body)}
    link: JSON = {"type": "link", "url": html.unescape(body)}
    if label:
        link["text"] = html.unescape(label)
    return link


def rich_text_blocks(text: str) -> list[JSON]:
    """Build the rich_text block Slack's client attaches to a typed message."""
    if not text:
        return []
    elements: list[JSON] = []
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        if match.start() > pos:
            elements.append({"type": "text", "text": html.unescape(text[pos : match.start()])})
        elements.append(_rich_element(match.group(1)))
        pos = match.end()
    if pos < len(text):
        elements.append({"type": "text", "text": html.unescape(text[pos:])})
    section = {"type": "rich_text_section", "elements": elements}
    return [{"type": "rich_text", "block_id": secrets.token_hex(3), "elements": [section]}]


def mentions(text: str, user_id: str) -> bool:
    """Tell whether text carries <@user_id> or <@user_id|name>."""
    return any(m.group(1).split("|")[0] == f"@{user_id}" for m in _TOKEN_RE.finditer(text))


def tz_facts(tz: str) -> tuple[int, str]:
    """Return (offset seconds now, label) for an IANA zone; ValueError if unknown."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc
    now = datetime.now(zone)
    offset = now.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    return seconds, now.tzname() or tz


def is_loopback_url(url: str) -> bool:
    """Tell whether an http(s) URL points at 127.0.0.0/8, ::1 or localhost."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
