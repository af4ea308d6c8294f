"""Bolt listeners: Slack -> Bolt AsyncApp (bot/app.py) -> a listener here -> the store.

- `events/`, `commands/`, `actions/`, `views/`: one package per listener kind, each with a
  `register(app)` that is its routing table (its catch-all last) and one module per listener.
- `features/`: the logic those listeners share (ask, find, save, capture, home, ...).
- `blocks/`: the Block Kit they send, built by pure `build_*` functions.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, events, views


def register_all(app: AsyncApp) -> None:
    """Register every listener kind; each routes its own names before its catch-all."""
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
