"""Chooses the transport (HTTP or Socket Mode) and tracks every delivery."""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from .http_delivery import HttpTransport
from .socket_mode import SocketHub
from .types import JSON, Delivery
from .util import is_loopback_url

log = logging.getLogger(__name__)
RESPONSE_PAYLOAD_TYPES = ("view_submission", "block_suggestion")


class Dispatcher:
    """Delivers payloads to the bot in exactly one mode at a time."""

    def __init__(self, hub: SocketHub, secret: str) -> None:
        """Start in Socket Mode."""
        self.hub = hub
        self.secret = secret
        self.mode = "socket"
        self.ack_timeout = 3.0
        self.connect_timeout = 10.0
        self.http_url = ""
        self.retry_delays: tuple[float, ...] = (0.0, 0.05, 0.2)
        self.http_timeout = 3.0
        self.session: aiohttp.ClientSession | None = None
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[Delivery]] = set()

    def use_http(self, url: str, retry_delays: tuple[float, ...], timeout: float) -> None:
        """Deliver by POSTing to a loopback URL."""
        if not is_loopback_url(url):
            raise ValueError(f"the local Slack only delivers to loopback URLs, not {url!r}")
        self.mode, self.http_url = "http", url
        self.retry_delays, self.http_timeout = tuple(retry_delays)[:3], timeout

    def use_off(self) -> None:
        """Record deliveries without sending them anywhere."""
        self.mode = "off"

    def use_socket(self, ack_timeout: float, connect_timeout: float) -> None:
        """Deliver over Socket Mode connections."""
        self.mode, self.ack_timeout, self.connect_timeout = "socket", ack_timeout, connect_timeout

    def transport(self) -> HttpTransport:
        """The HTTP transport with the current settings."""
        if self.session is None:
            raise RuntimeError("the local Slack is not started")
        return HttpTransport(
            self.session, self.http_url, self.retry_delays, self.http_timeout, self.secret
        )

    def submit(
        self, kind: str, payload: JSON, event_id: str | None = None
    ) -> asyncio.Task[Delivery]:
        """Start delivering one payload in the background; the task returns its Delivery."""
        delivery = Delivery(event_id=event_id, type=kind, payload=payload, mode=self.mode)
        self.deliveries.append(delivery)
        task = asyncio.create_task(self._run(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, d: Delivery) -> Delivery:
        """Deliver with the mode chosen at submission; never raise."""
        try:
            if d.mode == "off":
                d.statuses.append("off")
            elif d.mode == "http":
                await self.transport().deliver(d)
            else:
                accepts = (
                    d.type == "slash_commands" or d.payload.get("type") in RESPONSE_PAYLOAD_TYPES
                )
                retries = 3 if d.type == "events_api" else 0
                await self.hub.deliver(d, accepts, retries, self.ack_timeout, self.connect_timeout)
        except Exception:
            log.exception("local slack: delivery %s failed", d.event_id or d.type)
            d.statuses.append("error")
        finally:
            d.done = True
        return d

    @property
    def pending(self) -> int:
        """How many deliveries are still running."""
        return len(self._tasks)

    # The deadline is part of the answer: the error names what is still pending.
    async def wait_idle(self, timeout: float, settle: float) -> None:  # noqa: ASYNC109
        """Wait until no delivery is running (and none started during settle seconds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while self._tasks:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self._tasks)} delivery(ies) still pending")
                await asyncio.wait(set(self._tasks), timeout=remaining)
            if settle <= 0:
                return
            await asyncio.sleep(settle)
            if not self._tasks:
                return

    async def close(self) -> None:
        """Cancel running deliveries and close the HTTP session."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.session is not None:
            await self.session.close()
            self.session = None
