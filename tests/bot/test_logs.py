"""Secrets never reach the logs, tracebacks included."""

from __future__ import annotations

import logging

from bot.logs import RedactingFormatter


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.ERROR, __file__, 1, message, args, exc_info)


def test_secrets_redacted_from_messages_arguments_and_tracebacks() -> None:
    formatter = RedactingFormatter("%(message)s", ["xoxb-very-secret", "signing-secret-1", "x"])
    try:
        raise ValueError("bad token xoxb-very-secret")
    except ValueError as exc:
        text = formatter.format(
            record("token %s and %r", "xoxb-very-secret", {"s": "signing-secret-1"}, exc=exc)
        )
    assert "very-secret" not in text
    assert "signing-secret-1" not in text
    assert text.count("[redacted]") >= 3
    assert "ValueError: bad token [redacted]" in text
    assert formatter.format(record("x marks the spot")) == "x marks the spot"  # short: kept
