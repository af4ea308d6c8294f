"""Slack's JSON objects: users, conversations, team, bot profile."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .types import JSON
from .util import tz_facts
from .workspace import Channel, User, Workspace


@dataclass
class Identity:
    """Who the workspace, the app and its bot are."""

    team_id: str
    team_name: str
    signing_secret: str
    bot_name: str
    bot_user_id: str = "UBOT0001"
    bot_id: str = "BBOT0001"
    app_id: str = "ALOCAL"
    verification_token: str = "local-verification-token"
    url: str = "http://127.0.0.1/"
    installed_at: int = field(default_factory=lambda: int(time.time()))
    enterprise_id: str | None = None  # the Enterprise Grid org the workspace is in, if any
    org_install: bool = False  # the app is installed org-wide (OAuth, is_enterprise_install)

    @property
    def domain(self) -> str:
        """The workspace's subdomain."""
        return "local-" + self.team_id.lower()

    @property
    def bot_token(self) -> str:
        """The bot token the app was installed with."""
        return f"xoxb-local-{self.team_id}"

    @property
    def app_token(self) -> str:
        """The app-level token for Socket Mode."""
        return f"xapp-local-{self.team_id}"


def _images(ident: Identity, key: str) -> JSON:
    """Avatar URLs served (as 404s) by the local Slack itself."""
    return {f"image_{n}": f"{ident.url}avatars/{key}_{n}.png" for n in (24, 32, 48, 72, 192)}


def bot_profile(ident: Identity) -> JSON:
    """The bot_profile object carried by the bot's messages."""
    return {
        "id": ident.bot_id,
        "deleted": False,
        "name": ident.bot_name,
        "updated": ident.installed_at,
        "app_id": ident.app_id,
        "icons": {k: v for k, v in _images(ident, ident.bot_id).items() if k != "image_24"},
        "team_id": ident.team_id,
    }


def _profile(ident: Identity, user: User) -> JSON:
    """The profile object inside a user."""
    first, _, last = user.real_name.partition(" ")
    profile: JSON = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "first_name": first,
        "last_name": last,
        "title": "",
        "status_text": "",
        "status_emoji": "",
        "email": f"{user.name}@{ident.domain}.example",
        "team": user.team_id,
        **_images(ident, user.id),
    }
    if user.id == ident.bot_user_id:
        profile.update(bot_id=ident.bot_id, api_app_id=ident.app_id, always_active=True)
        profile.pop("email")
    return profile


def user_object(ident: Identity, user: User) -> JSON:
    """The users.info object of a user; in Enterprise Grid it has `enterprise_user` (its org
    and workspaces), and people of the org's other workspaces keep their own team_id."""
    offset, label = tz_facts(user.tz)
    obj: JSON = {
        "id": user.id,
        "team_id": user.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "color": "9f69e7",
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": label,
        "tz_offset": offset,
        "profile": _profile(ident, user),
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": user.is_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": user.updated,
    }
    enterprise = user.enterprise_id or (
        ident.enterprise_id if user.team_id == ident.team_id else None
    )
    if enterprise:
        obj["enterprise_user"] = {
            "id": user.id,
            "enterprise_id": enterprise,
            "enterprise_name": f"Org {enterprise}",
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "teams": [user.team_id],
        }
    return obj


def _im_object(ident: Identity, ws: Workspace, ch: Channel) -> JSON:
    """The conversations.info object of a DM."""
    return dict(
        id=ch.id,
        created=ch.created,
        is_archived=ch.is_archived,
        is_im=True,
        is_channel=False,
        is_group=False,
        is_mpim=False,
        is_private=True,
        user=ch.im_user,
        is_user_deleted=ws.user(ch.im_user or "").deleted,
        is_open=True,
        context_team_id=ident.team_id,
    )


def channel_object(ident: Identity, ws: Workspace, ch: Channel) -> JSON:
    """The conversations.info object of a conversation, as the bot sees it."""
    if ch.is_im:
        return _im_object(ident, ws, ch)
    base: JSON = {"id": ch.id, "created": ch.created, "is_archived": ch.is_archived}
    shared = ws.is_ext_shared(ch)
    text_meta = {"creator": ch.creator, "last_set": ch.created}
    base.update(
        name=ch.name,
        name_normalized=ch.name,
        # Private channels made since 2021 have C ids and say is_channel (only is_private
        # tells them apart); the older G ones say is_group, as conversations.info does.
        is_channel=not ch.is_mpim and not ch.id.startswith("G"),
        is_group=ch.is_private and not ch.is_mpim and ch.id.startswith("G"),
        is_im=False,
        is_mpim=ch.is_mpim,
        is_private=ch.is_private,
        is_general=ch.name == "general",
        is_shared=shared,
        is_ext_shared=shared,
        is_org_shared=ws.is_org_shared(ch),
        is_pending_ext_shared=False,
        is_member=ws.bot_is_member(ch),
        creator=ch.creator,
        context_team_id=ident.team_id,
        shared_team_ids=[ident.team_id],
        topic={"value": ch.topic, **text_meta},
        purpose={"value": ch.purpose, **text_meta},
        num_members=len(ch.members),
    )
    return base


def team_object(ident: Identity) -> JSON:
    """The team.info object of the workspace."""
    return {
        "id": ident.team_id,
        "name": ident.team_name,
        "url": ident.url,
        "domain": ident.domain,
        "email_domain": "",
        "icon": {"image_default": True, **_images(ident, ident.team_id)},
        "avatar_base_url": f"{ident.url}avatars/",
        "is_verified": False,
    }
