"""Slash-command listeners, one module per command: the routing table for commands."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.commands.ask import handle_ask
from handlers.commands.find import handle_find
from handlers.commands.serendip import handle_serendip
from handlers.commands.til import handle_til
from handlers.commands.unknown import ack_unknown_command

COMMANDS = {
    "/serendip": handle_serendip,
    "/til": handle_til,
    "/ask": handle_ask,
    "/find": handle_find,
}
CATCH_ALL = re.compile(r".*")


def register(app: AsyncApp) -> None:
    """Route each slash command to its listener, then answer any other command."""
    for name, listener in COMMANDS.items():
        app.command(name)(listener)
    app.command(CATCH_ALL)(ack_unknown_command)
