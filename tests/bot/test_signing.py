"""Slack signatures checked without raising, on an injected clock, and replays remembered."""

from __future__ import annotations

import hashlib
import hmac

from bot.signing import WINDOW, ReplayCache, Verifier
from tests.support.clock import START

SECRET = "local-signing-secret"
BODY = b"command=%2Ftil&text=hello"


def sign(timestamp: str, body: bytes = BODY, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_fresh_signed_requests_pass_and_the_window_is_five_minutes() -> None:
    clock = Clock()
    verifier = Verifier(SECRET, clock)
    stamp = str(int(START))
    assert verifier.valid(BODY, stamp, sign(stamp))
    clock.now = START + WINDOW
    assert verifier.valid(BODY, stamp, sign(stamp))
    clock.now = START + WINDOW + 1
    assert not verifier.valid(BODY, stamp, sign(stamp))
    clock.now = START - WINDOW - 1  # a timestamp from the future is as stale
    assert not verifier.valid(BODY, stamp, sign(stamp))


def test_anything_malformed_is_false_never_an_exception() -> None:
    verifier = Verifier(SECRET, Clock())
    stamp = str(int(START))
    good = sign(stamp)
    for timestamp in ("²³", "1" + "0" * 400, "9" * 5000, "", " 1", "1.5", "-5", "\u0661" * 10):
        assert not verifier.valid(BODY, timestamp, sign(timestamp))
    for signature in ("v0=é", "é" * 67, good.upper(), good[:-1] + "\u0660", "", good + " "):
        assert not verifier.valid(BODY, stamp, signature)
    assert not verifier.valid(BODY + b"!", stamp, good)
    assert not verifier.valid(BODY, stamp, sign(stamp, secret="another"))


def test_a_signature_is_new_once_until_its_timestamp_goes_stale() -> None:
    clock = Clock()
    seen = ReplayCache(clock)
    stamp = str(int(START))
    assert seen.first_time(sign(stamp), stamp)
    assert not seen.first_time(sign(stamp), stamp)
    assert seen.first_time(sign(str(int(START) + 1)), str(int(START) + 1))
    clock.now = START + WINDOW
    assert not seen.first_time(sign(stamp), stamp)
    clock.now = START + WINDOW + 1  # the verifier refuses that timestamp from now on anyway
    assert seen.first_time(sign(stamp), stamp)


def test_memory_stays_bounded() -> None:
    clock = Clock()
    seen = ReplayCache(clock, limit=100)
    for i in range(1000):
        assert seen.first_time(f"v0={i:064x}", str(int(START)))
    assert len(seen) == 100
    clock.now = START + WINDOW + 1
    seen.first_time("v0=" + "f" * 64, str(int(clock.now)))
    assert len(seen) == 1  # stale ones are dropped as new ones come
