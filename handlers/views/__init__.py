"""Modal submissions: their routing table, by callback_id."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.views.find import handle_find_submission
from handlers.views.forget import handle_forget_submission

VIEWS = {"find_modal": handle_find_submission, "forget_me_modal": handle_forget_submission}


def register(app: AsyncApp) -> None:
    """Route modal submissions by callback_id."""
    for callback_id, listener in VIEWS.items():
        app.view(callback_id)(listener)
