"""Bolt listeners, one package per listener kind, each with its own routing table."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, events, fallbacks, views


def register_all(app: AsyncApp) -> None:
    """Register every listener; the catch-alls go last."""
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    fallbacks.register(app)
