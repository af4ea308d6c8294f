"""What a person reads when their slash command failed, instead of Slack's bare error."""

from __future__ import annotations

import json

from slack_bolt.response import BoltResponse

from bot.store import is_storage_error
from handlers.blocks.common import build_ephemeral

STORE_FAILED = (
    "Sorry, I cannot save anything right now: my database is full or read-only, so nothing "
    "was kept. Please try again later; whoever runs Serendip sees why in its log."
)
INBOX_HELD = (
    "Sorry, not yet: messages sent before this are still waiting to be handled (my database "
    "could not be written a moment ago), and this change must come after them. Please try "
    "again in a moment."
)
BUG = (
    "Sorry, that did not work: something went wrong on my side. Please try again later; "
    "whoever runs Serendip sees what in its log."
)


def command_error_answer(error: BaseException) -> BoltResponse:
    """The answer to a slash command whose listener raised `error`: one clear sentence."""
    text = STORE_FAILED if is_storage_error(error) else BUG
    return BoltResponse(
        status=200,
        body=json.dumps(build_ephemeral(text)),
        headers={"content-type": "application/json;charset=utf-8"},
    )
