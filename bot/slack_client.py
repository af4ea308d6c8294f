"""The Web API client: every call goes to SLACK_API_URL, and only safe calls are retried.

A 429 means Slack did not act, so every method is retried after `Retry-After`. A dropped
connection or a 5xx may come after a post landed, so those are retried for reads only:
posting twice is worse than reporting a failure.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.pacer import PacedClient, Pacer

READ_PREFIXES = (
    "auth.test",
    "apps.connections.open",
    "conversations.history",
    "conversations.replies",
    "conversations.info",
    "conversations.members",
    "conversations.list",
    "users.info",
    "users.list",
    "team.info",
    "reactions.get",
    "chat.getPermalink",
)


def is_read(request: HttpRequest) -> bool:
    """True when the request's Web API method only reads."""
    method = request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return method.startswith(READ_PREFIXES)


class ReadConnectionErrorRetryHandler(AsyncConnectionErrorRetryHandler):
    """Retries a dropped connection, for reads only."""

    async def _can_retry_async(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        return is_read(request) and await super()._can_retry_async(request=request, **kwargs)


class ReadServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Retries a 500 or 503, for reads only."""

    async def _can_retry_async(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        return is_read(request) and await super()._can_retry_async(request=request, **kwargs)


def retry_handlers(rate_limit_retries: int = 3) -> list[AsyncRetryHandler]:
    """The retry policy described in this module's docstring."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        ReadConnectionErrorRetryHandler(max_retry_count=2),
        ReadServerErrorRetryHandler(max_retry_count=2),
    ]


def make_client(
    token: str | None, api_url: str, timeout: int = 30, pacer: Pacer | None = None
) -> AsyncWebClient:
    """An AsyncWebClient for SLACK_API_URL with Serendip's retry policy; with `pacer`, its
    posts keep to the send rate."""
    client = PacedClient(
        token=token, base_url=api_url, timeout=timeout, retry_handlers=retry_handlers()
    )
    client.pacer = pacer
    return client
