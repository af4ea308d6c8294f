"""Request limits: their settings, the connection cap, and resource problems logged at most
once a minute."""

from __future__ import annotations

import asyncio
import errno
import logging
import resource

import pytest
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong

from bot.config import ConfigError, load_config
from bot.guard import (
    ConnectionGuard,
    GuardedSite,
    QuietBadRequests,
    QuietLoopErrors,
    Throttle,
    connection_cap,
)
from tests.support.clock import START
from tests.support.processes import free_port


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_limit_settings() -> None:
    config = load_config({}, dotenv=None)
    assert (config.http_max_connections, config.http_read_timeout) == (500, 10.0)
    env = {"SERENDIP_HTTP_MAX_CONNECTIONS": "50", "SERENDIP_HTTP_READ_TIMEOUT": "2.5"}
    config = load_config(env, dotenv=None)
    assert (config.http_max_connections, config.http_read_timeout) == (50, 2.5)
    for name, value in (
        ("SERENDIP_HTTP_MAX_CONNECTIONS", "0"),
        ("SERENDIP_HTTP_MAX_CONNECTIONS", "many"),
        ("SERENDIP_HTTP_READ_TIMEOUT", "0"),
        ("SERENDIP_HTTP_READ_TIMEOUT", "-1"),
        ("SERENDIP_HTTP_READ_TIMEOUT", "soon"),
    ):
        with pytest.raises(ConfigError, match=name):
            load_config({name: value}, dotenv=None)


def test_the_cap_stays_below_half_the_open_file_limit() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert connection_cap(10) == 10
    if soft != resource.RLIM_INFINITY:
        assert connection_cap(10**9) == soft // 2


def test_throttle_says_yes_once_a_minute() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    assert throttle.due()
    assert not throttle.due()
    clock.now += 59.9
    assert not throttle.due()
    clock.now += 0.1
    assert throttle.due()
    assert throttle.held_back == 2


async def test_resource_errors_are_logged_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    loop = asyncio.get_running_loop()
    clock = Clock()
    quiet = QuietLoopErrors(clock)
    emfile = OSError(errno.EMFILE, "Too many open files")
    context = {"message": "socket.accept() out of system resource", "exception": emfile}
    for _ in range(1000):
        quiet(loop, context)
    clock.now += 60
    for _ in range(1000):
        quiet(loop, context)
    lines = [r.getMessage() for r in caplog.records if "out of system resource" in r.getMessage()]
    assert len(lines) == 2
    assert "999 more" in lines[1]
    caplog.clear()
    quiet(loop, {"message": "something else broke", "exception": ValueError("x")})
    assert "something else broke" in caplog.text  # anything else goes to asyncio, as before


def aiohttp_error_record(exc: BaseException) -> logging.LogRecord:
    """The record aiohttp logs when it answers a request it could not handle."""
    return logging.LogRecord(
        "aiohttp.server",
        logging.ERROR,
        "web_protocol.py",
        1,
        "Error handling request from %s",
        ("127.0.0.1",),
        (type(exc), exc, None),
    )


def test_unparsable_requests_are_one_short_line_a_minute() -> None:
    clock = Clock()
    quiet = QuietBadRequests(clock)
    too_long = LineTooLong("x" * 100, "8190", "9000")
    passed = [r for r in (aiohttp_error_record(too_long) for _ in range(500)) if quiet.filter(r)]
    clock.now += 60
    again = aiohttp_error_record(BadHttpMessage("bad request line"))
    assert quiet.filter(again)
    assert len(passed) == 1
    assert passed[0].exc_info is None  # no traceback
    assert passed[0].getMessage().startswith("Error handling request from 127.0.0.1: LineTooLong")
    assert "499 more" in again.getMessage()
    ours = aiohttp_error_record(KeyError("type"))
    assert quiet.filter(ours)
    assert ours.exc_info is not None  # a bug of ours keeps its traceback


async def guarded_server(
    cap: int, release: asyncio.Event
) -> tuple[web.AppRunner, int, ConnectionGuard]:
    """A small aiohttp app behind a ConnectionGuard: `/wait` answers once `release` is set."""

    async def wait(_: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="done")

    guard = ConnectionGuard(cap, read_timeout=5.0, clock=Clock())
    app = web.Application(middlewares=[guard.middleware])
    app.router.add_get("/wait", wait)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await GuardedSite(runner, "127.0.0.1", port, guard).start()
    return runner, port, guard


async def test_past_the_cap_the_oldest_idle_goes_and_busy_ones_stay() -> None:
    release = asyncio.Event()
    runner, port, guard = await guarded_server(2, release)
    try:
        idle_reader, _ = await asyncio.open_connection("127.0.0.1", port)
        busy = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        assert await asyncio.wait_for(idle_reader.read(), 5) == b""  # closed to make room
        for _, writer in busy:
            writer.write(b"GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        while len(guard.busy) < 2:  # noqa: ASYNC110 (the server's state is polled)
            await asyncio.sleep(0.01)
        reader, _ = await asyncio.open_connection("127.0.0.1", port)
        refused = await asyncio.wait_for(reader.read(), 5)
        assert refused.startswith(b"HTTP/1.1 503")  # every connection is busy: refused at once
        release.set()
        for reader, _ in busy:
            assert (await asyncio.wait_for(reader.read(200), 5)).startswith(b"HTTP/1.1 200")
    finally:
        await runner.cleanup()
