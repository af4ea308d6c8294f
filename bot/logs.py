"""Logging set-up that never lets a secret through, tracebacks included."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

# Installed by OAuth, each workspace's tokens come from the database, unknown at start: any
# Slack token (bot, user, refresh; a rotating one is `xoxe.xoxb-…`) is taken out by its shape.
SLACK_TOKEN = re.compile(r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+")


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces every configured secret with `[redacted]`.

    Redacting the finished text (not just the message) also covers exception tracebacks
    and anything a library put in its arguments.
    """

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if len(s) >= 6]

    def format(self, record: logging.LogRecord) -> str:
        """The record as text, with secrets taken out."""
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        """Replace each secret in `text`."""
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return SLACK_TOKEN.sub("[redacted]", text)


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level`, redacting secrets."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs request bodies at DEBUG; keep it quieter than ours.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLevelName(level)))
