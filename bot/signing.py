"""Slack's request signatures: checked without ever raising, and remembered against replays.

Slack signs `v0:{timestamp}:{body}` with the app's signing secret and the bot accepts a
timestamp within five minutes of its clock. Headers come from anyone: a timestamp may be
Unicode digits or thousands of them, a signature any text, so the check parses nothing it
has not bounded first and compares bytes, not strings.

The signature has no nonce: a captured request verifies again, byte for byte, for as long as
its timestamp is fresh. The replay cache remembers the signatures seen in that window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

WINDOW = 300  # seconds a timestamp stays acceptable either side of now, as Slack's SDKs have it
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only; 12 reaches year 33658
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
MAX_REMEMBERED = 50_000  # signatures; about 10 MB at the very most


class Verifier:
    """Checks `X-Slack-Request-Timestamp` and `X-Slack-Signature` against the raw body."""

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        self.secret = secret.encode()
        self.clock = clock

    def valid(self, body: bytes, timestamp: str, signature: str) -> bool:
        """True for a fresh timestamp and a matching signature; False for anything else."""
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            return False
        if abs(self.clock() - int(timestamp)) > WINDOW:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode())


class ReplayCache:
    """The signatures accepted in the last WINDOW seconds, each remembered until its timestamp
    goes stale (after which the signature check refuses it anyway)."""

    def __init__(self, clock: Callable[[], float], limit: int = MAX_REMEMBERED) -> None:
        self.clock = clock
        self.limit = limit
        self._until: dict[str, float] = {}  # signature -> when its timestamp goes stale

    def first_time(self, signature: str, timestamp: str) -> bool:
        """Remember a verified request's signature; False when it was already seen."""
        now = self.clock()
        seen = self._until.get(signature)
        if seen is not None and seen >= now:
            return False
        self._forget_stale(now)
        self._until[signature] = int(timestamp) + WINDOW
        return True

    def _forget_stale(self, now: float) -> None:
        # Insertion order is nearly timestamp order: dropping from the front stays cheap.
        # At the limit the oldest goes even if fresh: memory stays bounded whatever the rate.
        while self._until:
            oldest, until = next(iter(self._until.items()))
            if until >= now and len(self._until) < self.limit:
                return
            del self._until[oldest]

    def __len__(self) -> int:
        return len(self._until)
