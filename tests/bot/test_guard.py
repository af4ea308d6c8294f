"""Request limits: their settings, and resource problems logged at most once a minute."""

from __future__ import annotations

import asyncio
import errno
import logging
import resource

import pytest
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong

from bot.config import ConfigError, load_config
from bot.guard import QuietBadRequests, QuietLoopErrors, Throttle, connection_cap
from tests.support.clock import START


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
