"""Interactivity listeners (buttons and shortcuts): their routing table."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.actions.forget_me import handle_forget_cancel, handle_forget_confirm
from handlers.actions.shortcuts import handle_flag_shortcut, handle_save_shortcut

ACTIONS = {"forget_me_confirm": handle_forget_confirm, "forget_me_cancel": handle_forget_cancel}
SHORTCUTS = {"save_to_serendip": handle_save_shortcut, "flag_for_review": handle_flag_shortcut}


def register(app: AsyncApp) -> None:
    """Route buttons by action_id and message shortcuts by callback_id."""
    for action_id, listener in ACTIONS.items():
        app.action(action_id)(listener)
    for callback_id, listener in SHORTCUTS.items():
        app.shortcut(callback_id)(listener)
