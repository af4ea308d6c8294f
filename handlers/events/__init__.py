"""Event listeners: the routing table for the Events API."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.events.app_home import handle_app_home_opened
from handlers.events.app_mention import handle_app_mention
from handlers.events.channels import (
    handle_channel_archive,
    handle_channel_rename,
    handle_channel_unarchive,
)
from handlers.events.membership import handle_member_joined, handle_member_left
from handlers.events.message import handle_message
from handlers.events.rate_limited import handle_app_rate_limited
from handlers.events.reactions import handle_reaction_added, handle_reaction_removed
from handlers.events.uninstall import handle_app_uninstalled, handle_tokens_revoked
from handlers.events.unknown import handle_unknown_event
from handlers.events.users import handle_user_change

ROUTES = {
    "message": handle_message,
    "app_mention": handle_app_mention,
    "reaction_added": handle_reaction_added,
    "reaction_removed": handle_reaction_removed,
    "member_joined_channel": handle_member_joined,
    "member_left_channel": handle_member_left,
    "channel_rename": handle_channel_rename,
    "group_rename": handle_channel_rename,
    "channel_archive": handle_channel_archive,
    "group_archive": handle_channel_archive,
    "channel_unarchive": handle_channel_unarchive,
    "group_unarchive": handle_channel_unarchive,
    "user_change": handle_user_change,
    "app_uninstalled": handle_app_uninstalled,
    "tokens_revoked": handle_tokens_revoked,
    "app_home_opened": handle_app_home_opened,
}
CATCH_ALL = re.compile(r".*")


def register(app: AsyncApp) -> None:
    """Route every event type Serendip subscribes to, then catch everything else."""
    app.use(handle_app_rate_limited)  # an envelope with no inner event: no listener matches it
    for event_type, listener in ROUTES.items():
        app.event(event_type)(listener)
    app.event(CATCH_ALL)(handle_unknown_event)
