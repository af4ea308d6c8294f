"""Secrets never reach the logs."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactSecrets


def test_secrets_redacted_from_messages_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    handler = caplog.handler
    handler.addFilter(RedactSecrets(["xoxb-very-secret", "signing-secret-1"]))
    try:
        with caplog.at_level(logging.INFO, logger="test.redact"):
            logger.info("token %s and %r", "xoxb-very-secret", {"s": "signing-secret-1"})
            logger.info("plain xoxb-very-secret in text")
    finally:
        handler.filters.clear()
    text = caplog.text
    assert "very-secret" not in text and "signing-secret-1" not in text
    assert text.count("[redacted]") == 3
