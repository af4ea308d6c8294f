"""Delivery to the bot over HTTP: signed POSTs with Slack's retry policy."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import aiohttp

from .types import JSON, Delivery

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM = "application/x-www-form-urlencoded"
Outcome = tuple[int | str, str, dict[str, str]]


def encode_body(kind: str, payload: JSON) -> tuple[bytes, str]:
    """Encode a payload as Slack does for its kind: JSON, form, or form payload=JSON."""
    if kind == "events_api":
        return json.dumps(payload).encode(), "application/json"
    if kind == "slash_commands":
        return urlencode(payload).encode(), FORM
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The v0 signature: HMAC-SHA256 over "v0:{timestamp}:{raw body bytes}"."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, content_type: str, timestamp: str | None
) -> dict[str, str]:
    """Headers of a request signed with the v0 scheme."""
    ts = timestamp if timestamp is not None else str(int(time.time()))
    return {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret, ts, body),
    }


def parse_ack(text: str) -> JSON | None:
    """Read an ack body: JSON object, or {"text": ...} for plain text, None when empty."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"text": text}


def _header(headers: dict[str, str], name: str) -> str | None:
    """Look a header up case-insensitively."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


class HttpTransport:
    """POSTs payloads to the bot's request URL."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        delays: tuple[float, ...],
        timeout: float,
        secret: str,
    ) -> None:
        """Remember where and how to deliver."""
        self.session = session
        self.url = url
        self.delays = delays[:3]
        self.timeout = timeout
        self.secret = secret

    async def post(self, body: bytes, headers: dict[str, str]) -> Outcome:
        """POST once; return (status or failure reason, body text, response headers)."""
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with self.session.post(
                self.url, data=body, headers=headers, timeout=timeout, max_redirects=2
            ) as resp:
                text = await resp.text(errors="replace")
                return resp.status, text, {k: v for k, v in resp.headers.items()}
        except TimeoutError:
            return "http_timeout", "", {}
        except aiohttp.TooManyRedirects:
            return "too_many_redirects", "", {}
        except (aiohttp.ClientError, OSError):
            return "connection_failed", "", {}

    async def deliver(self, d: Delivery) -> None:
        """Deliver one payload, retrying events per the delays; record every attempt."""
        body, content_type = encode_body(d.type, d.payload)
        retries = len(self.delays) if d.type == "events_api" else 0
        reason = ""
        for attempt in range(retries + 1):
            if attempt:
                await asyncio.sleep(self.delays[attempt - 1])
            headers = signed_headers(self.secret, body, content_type, None)
            if attempt:
                headers.update({"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason})
            d.attempts += 1
            status, text, resp_headers = await self.post(body, headers)
            d.statuses.append(status)
            if isinstance(status, int) and 200 <= status < 300:
                d.acked, d.ack_payload = True, parse_ack(text)
                return
            if isinstance(status, int):
                d.ack_payload = parse_ack(text)
            if _header(resp_headers, "X-Slack-No-Retry") == "1":
                return
            reason = "http_error" if isinstance(status, int) else status
