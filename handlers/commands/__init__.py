"""Slash-command listeners: the routing table for commands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.commands.ask import handle_ask
from handlers.commands.find import handle_find
from handlers.commands.serendip import handle_serendip
from handlers.commands.til import handle_til

COMMANDS = {
    "/serendip": handle_serendip,
    "/til": handle_til,
    "/ask": handle_ask,
    "/find": handle_find,
}


def register(app: AsyncApp) -> None:
    """Route each slash command to its listener."""
    for name, listener in COMMANDS.items():
        app.command(name)(listener)
