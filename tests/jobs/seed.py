"""Kept only for tests/jobs/test_compose.py, whose import moves with the store's clock work:
the seeding helpers live in tests.support.seed."""

from tests.support.seed import DAY, MONDAY, channel, flag, person, share, vote

__all__ = ["DAY", "MONDAY", "channel", "flag", "person", "share", "vote"]
