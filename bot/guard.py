"""Limits on what one client can hold: time to send a request, and open connections.

A client that opens connections and sends a few bytes costs nothing and holds a file
descriptor each. Without limits a thousand of them use up the process's open files: the
server then cannot accept Slack's deliveries or `/healthz`, and asyncio logs every failed
`accept()`. So:

- a request must arrive in time: its headers within `read_timeout` of the connection opening
  (or of the previous answer on a kept-alive connection, via aiohttp's keep-alive timer) and
  then its body within `read_timeout` more; a client slower than that is disconnected;
- at most `cap` connections are open: past it, the oldest connection that is not being
  answered (idle, or still sending its request) is closed to make room; when every one is
  being answered, the new connection gets a 503 at once;
- resource problems, and the requests too malformed for aiohttp to parse (a header over 8 KB,
  a broken request line), are logged at most once a minute, however often they happen.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import resource
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
EVERY = 60.0  # seconds between two log lines about the same resource problem
_RESOURCE_ERRORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_REFUSAL = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def connection_cap(wanted: int) -> int:
    """`wanted`, but never more than half the process's open-file limit: the store, the
    Slack client and accepting the next connection need descriptors too."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return wanted if soft == resource.RLIM_INFINITY else max(1, min(wanted, soft // 2))


class Throttle:
    """Says yes at most once per `every` seconds of `clock`, counting the times it said no."""

    def __init__(self, clock: Callable[[], float], every: float = EVERY) -> None:
        self.clock = clock
        self.every = every
        self._last: float | None = None
        self.held_back = 0

    def due(self) -> bool:
        """True when the last yes is `every` seconds old (or there was none)."""
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            self.held_back += 1
            return False
        self._last = now
        return True


class _Refuse(asyncio.Protocol):
    """A connection past the cap while every other is busy: a 503, then closed."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_REFUSAL)
        transport.close()


class ConnectionGuard:
    """The limits above, for one aiohttp server."""

    def __init__(self, cap: int, read_timeout: float, clock: Callable[[], float]) -> None:
        self.cap = cap
        self.read_timeout = read_timeout
        self.busy: set[RequestHandler] = set()  # connections whose request is being answered
        self.throttle = Throttle(clock)
        self.closed = self.refused = 0

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Read the whole body in time, then answer it as a busy connection."""
        try:
            async with asyncio.timeout(self.read_timeout):
                await request.read()  # kept by aiohttp: the handler's read() costs nothing
        except TimeoutError:
            request.protocol.force_close()  # no answer: the client is too slow to want one
            raise web.HTTPRequestTimeout() from None
        except (ConnectionError, RuntimeError):
            if request.transport is not None:
                raise
            # Closed to make room (see admit) or by the client: aiohttp says ConnectionResetError,
            # or RuntimeError when it was closed before the read began. Nobody is listening.
            raise web.HTTPRequestTimeout() from None
        self.busy.add(request.protocol)
        try:
            return await handler(request)
        finally:
            self.busy.discard(request.protocol)

    def admit(self, server: web.Server) -> asyncio.BaseProtocol:
        """The protocol for a new connection: aiohttp's, after making room under the cap.

        A burst accepted in one go may pass the cap until those connections are counted; the
        next ones then make room again."""
        handlers = server.connections
        if len(handlers) >= self.cap:
            open_now = [h for h in handlers if h.transport is not None]
            if len(open_now) >= self.cap:
                idle = next((h for h in open_now if h not in self.busy), None)
                if idle is None:
                    self.refused += 1
                    self._tell()
                    return _Refuse()
                idle.force_close()
                self.closed += 1
                self._tell()
        return server()

    def _tell(self) -> None:
        if self.throttle.due():
            log.warning(
                "more than %d connections: closed %d slow or idle ones and refused %d so far "
                "(said at most once a minute; see README, 'In front of /slack/events')",
                self.cap,
                self.closed,
                self.refused,
            )


class GuardedSite(web.BaseSite):
    """aiohttp's TCP site, with every new connection admitted by a ConnectionGuard."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, guard: ConnectionGuard):
        super().__init__(runner)
        self.host, self.port, self.guard = host, port, guard

    @property
    def name(self) -> str:
        """The URL it serves, as aiohttp's sites name themselves."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Listen; each connection goes through the guard."""
        await super().start()
        server = self._runner.server
        assert server is not None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: self.guard.admit(server), self.host, self.port, backlog=self._backlog
        )


class QuietLoopErrors:
    """An event-loop exception handler that logs resource exhaustion (EMFILE and the like:
    asyncio's "socket.accept() out of system resource") at most once a minute."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.throttle = Throttle(clock)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Log a resource problem once a minute; hand anything else to asyncio."""
        exc = context.get("exception")
        if not (isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRORS):
            loop.default_exception_handler(context)
            return
        if self.throttle.due():
            log.error(
                "%s: %s (said at most once a minute; %d more since the last time)",
                context.get("message", "resource problem"),
                exc,
                self.throttle.held_back,
            )
            self.throttle.held_back = 0


class QuietBadRequests(logging.Filter):
    """For aiohttp's "Error handling request" log: a traceback for every unparsable request it
    answers 400 lets anyone fill the log. Those are kept to one line a minute, without the
    traceback; errors of our own code pass untouched."""

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self.throttle = Throttle(clock)

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop or shorten a malformed-request record; keep anything else."""
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, HttpProcessingError):
            return True
        if not self.throttle.due():
            return False
        said = record.getMessage()
        record.msg = "%s: %s (said at most once a minute; %d more since the last time)"
        record.args = (said, type(exc).__name__, self.throttle.held_back)
        record.exc_info = record.exc_text = None
        self.throttle.held_back = 0
        return True
