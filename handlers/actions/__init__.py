"""Interactivity listeners (buttons and shortcuts), one module per feature: their routing table.

Buttons are routed by action_id and message shortcuts by callback_id; what nobody listens to
any more falls to the catch-all in unknown.py, registered last.
"""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.actions.admin_settings import handle_admin_settings
from handlers.actions.ask import (
    handle_ask_cancel,
    handle_ask_choose_best,
    handle_ask_post,
)
from handlers.actions.ask_claim import handle_ask_claim
from handlers.actions.ask_decline import handle_ask_decline
from handlers.actions.ask_team import handle_ask_team
from handlers.actions.digest_buttons import (
    handle_digest_cadence,
    handle_digest_item_menu,
    handle_digest_less,
    handle_digest_less_choice,
    handle_digest_settings,
    handle_digest_useful,
    handle_less_like_undo,
)
from handlers.actions.find import handle_find_more
from handlers.actions.flag_review import handle_flags_remove, handle_flags_restore
from handlers.actions.forget_me import handle_forget_cancel, handle_forget_confirm
from handlers.actions.home_buttons import HOME_ACTIONS
from handlers.actions.join_note import handle_join_capture_off, handle_join_privacy
from handlers.actions.keep_weekly import handle_keep_weekly
from handlers.actions.save_requests import handle_save_request
from handlers.actions.shortcuts import (
    handle_best_answer_shortcut,
    handle_flag_shortcut,
    handle_save_shortcut,
)
from handlers.actions.unknown import ack_unknown_action
from handlers.blocks.admin import EDIT_ACTION

ACTIONS = {
    "forget_me_confirm": handle_forget_confirm,
    "forget_me_cancel": handle_forget_cancel,
    "digest_item": handle_digest_item_menu,
    "digest_useful": handle_digest_useful,
    "digest_less": handle_digest_less,
    "digest_less_site": handle_digest_less_choice,
    "digest_less_person": handle_digest_less_choice,
    "less_like_undo": handle_less_like_undo,
    "digest_settings": handle_digest_settings,
    "digest_cadence_weekly": handle_digest_cadence,
    "digest_cadence_daily": handle_digest_cadence,
    "digest_cadence_monthly": handle_digest_cadence,
    "digest_cadence_off": handle_digest_cadence,
    "digest_keep_weekly": handle_keep_weekly,
    "find_more": handle_find_more,
    "find_ask_team": handle_ask_team,
    "ask_post": handle_ask_post,
    "ask_cancel": handle_ask_cancel,
    "ask_choose_best": handle_ask_choose_best,
    "ask_claim": handle_ask_claim,
    "ask_decline": handle_ask_decline,
    "flags_restore": handle_flags_restore,
    "flags_remove": handle_flags_remove,
    "save_request_share": handle_save_request,
    "save_request_decline": handle_save_request,
    "mention_ask": handle_ask_team,
    "join_privacy": handle_join_privacy,
    "join_capture_off": handle_join_capture_off,
    **HOME_ACTIONS,
    EDIT_ACTION: handle_admin_settings,
}
SHORTCUTS = {
    "save_to_serendip": handle_save_shortcut,
    "flag_for_review": handle_flag_shortcut,
    "mark_best_answer": handle_best_answer_shortcut,
}
CATCH_ALL = re.compile(r".*")


def register(app: AsyncApp) -> None:
    """Route buttons by action_id and message shortcuts by callback_id, then catch the rest."""
    for action_id, listener in ACTIONS.items():
        app.action(action_id)(listener)
    for callback_id, listener in SHORTCUTS.items():
        app.shortcut(callback_id)(listener)
    app.action(CATCH_ALL)(ack_unknown_action)
    app.shortcut(CATCH_ALL)(ack_unknown_action)
