"""Modal submissions: their routing table, by callback_id (any other modal is acknowledged)."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.actions.unknown import ack_unknown_action
from handlers.blocks.admin import MODAL_ID
from handlers.views.ask import handle_ask_submission
from handlers.views.find import handle_find_submission
from handlers.views.forget import handle_forget_submission
from handlers.views.team_settings import handle_team_settings_submission

VIEWS = {
    "find_modal": handle_find_submission,
    "forget_me_modal": handle_forget_submission,
    "ask_modal": handle_ask_submission,
    MODAL_ID: handle_team_settings_submission,
}
CATCH_ALL = re.compile(r".*")


def register(app: AsyncApp) -> None:
    """Route modal submissions by callback_id, then acknowledge any other."""
    for callback_id, listener in VIEWS.items():
        app.view(callback_id)(listener)
    app.view(CATCH_ALL)(ack_unknown_action)
