"""The environment a test runs with: none of the caller's Slack or Serendip settings.

A developer's shell (or CI) may export SLACK_* secrets or SERENDIP_* settings; a test that
saw them would pass or fail by accident, and a child process would even talk to a real Slack.
"""

from __future__ import annotations

import os

OWN_PREFIXES = ("SLACK_", "SERENDIP_")


def is_ours(name: str) -> bool:
    """A variable the bot reads (and so a test must set itself, never inherit)."""
    return name.startswith(OWN_PREFIXES)


def child_env(**settings: str) -> dict[str, str]:
    """The environment for a child process: the caller's, without SLACK_*/SERENDIP_*, plus
    `settings` (what the test means to set)."""
    env = {name: value for name, value in os.environ.items() if not is_ours(name)}
    env.update(settings)
    return env
