"""More workspaces on one local Slack: each a tenant with its own people, channels, bot user
and tokens, sharing the one app (its secrets, Socket Mode hub, dispatcher, recorded calls).

Why tenants rather than one workspace object with many teams: every driving method (post a
message, react, a slash command, uninstall) and every Web API method already acts on "the"
workspace of a `Posting`; giving each workspace its own `Posting` keeps them all unchanged,
and a token decides which tenant a Web API call acts in, as a token does in the real Slack.
"""

from __future__ import annotations

from dataclasses import replace

from .actions_interactive import InteractiveActions
from .actions_messages import MessageActions
from .actions_workspace import WorkspaceActions
from .core import Core
from .posting import Posting
from .types import ApiError, LocalSlackError
from .workspace import Channel, Workspace


class Tenant(MessageActions, WorkspaceActions, InteractiveActions):
    """One more workspace of a local Slack, driven like the first one."""

    def __init__(
        self, home: Posting, team_id: str, team_name: str, enterprise_id: str | None
    ) -> None:
        """A workspace with the app installed, sharing `home`'s app, hub and records."""
        ident = home.ident
        super().__init__(team_id, ident.signing_secret, team_name, ident.bot_name)
        # The same app has a different bot user and bot id in every workspace.
        self.ident.bot_user_id = f"UB{team_id}"
        self.ident.bot_id = f"BB{team_id}"
        self.ident.app_id = ident.app_id
        self.ident.url = ident.url
        self.ident.enterprise_id = enterprise_id
        self.ws = Workspace(team_id, self.ident.bot_user_id, ident.bot_name)
        self.home = home
        self.hub = home.hub
        self.dispatcher = home.dispatcher
        self.calls = home.calls
        self.responses = home.responses
        self.server_errors = home.server_errors
        self.uploads = home.uploads
        self.oauth = home.oauth
        self.clock = home.clock

    def seer_of(self, ch: Channel) -> Core | None:
        """Another workspace of the local Slack whose bot is in this (org-shared) channel."""
        return _seer(self.home, self, ch)

    @property
    def team_id(self) -> str:
        """The workspace id."""
        return self.ident.team_id

    @property
    def bot_token(self) -> str:
        """The workspace's own bot token, "xoxb-local-<team>"."""
        return self.ident.bot_token

    @property
    def bot_user_id(self) -> str:
        """The bot's user id in this workspace."""
        return self.ident.bot_user_id


class Tenancy(Posting):
    """The local Slack's workspaces: the first one (itself) and those added."""

    tenants: dict[str, Posting]

    def add_workspace(
        self, team_id: str, name: str | None = None, enterprise_id: str | None = None
    ) -> Tenant:
        """Add a workspace (in Enterprise Grid org `enterprise_id` if given) with the app
        installed; the handle drives it as the local Slack drives the first one."""
        if team_id in self.workspaces:
            raise ValueError(f"workspace {team_id} exists")
        tenant = Tenant(self, team_id, name or f"Workspace {team_id}", enterprise_id)
        self.tenants[team_id] = tenant
        return tenant

    def seer_of(self, ch: Channel) -> Core | None:
        """Another workspace of the local Slack whose bot is in this (org-shared) channel."""
        return _seer(self, self, ch)

    @property
    def workspaces(self) -> dict[str, Posting]:
        """Every workspace by team id, the first one first."""
        return {self.ident.team_id: self, **self.tenants}

    def org(self, enterprise_id: str) -> list[Posting]:
        """The workspaces of an Enterprise Grid organisation."""
        return [w for w in self.workspaces.values() if w.ident.enterprise_id == enterprise_id]

    def tenant_for(self, token: str, args: dict[str, object]) -> Posting:
        """The workspace a bot token acts in (an org-wide token: the one holding the call's
        channel, else the `team_id` argument's, else the org's first); invalid_auth if none."""
        for space in self.workspaces.values():
            if token == space.ident.bot_token:
                return space
        grant = self.oauth.grants.get(token)
        if grant is None:
            raise ApiError("invalid_auth")
        if grant in self.workspaces:
            return self.workspaces[grant]
        spaces = self.org(grant)
        channel, team = args.get("channel"), args.get("team_id")
        for space in spaces:
            if isinstance(channel, str) and channel in space.ws.channels:
                return space
        for space in spaces:
            if team == space.ident.team_id:
                return space
        if not spaces:
            raise ApiError("invalid_auth")
        return spaces[0]

    def org_share(self, channel: str, home: Posting, guest: Posting) -> None:
        """Share home's channel with guest, a workspace of the same Grid org (org-shared):
        one channel, one history, in both; their people (as of now) know each other."""
        org = home.ident.enterprise_id
        if org is None or guest.ident.enterprise_id != org or guest is home:
            raise LocalSlackError("org-shared channels join two workspaces of one Grid org")
        guest.ws.channels[channel] = home.ws.channel(channel)
        for one, other in ((home, guest), (guest, home)):
            for person in list(one.ws.users.values()):
                if person.id not in other.ws.users:
                    other.ws.users[person.id] = replace(person, enterprise_id=org)


def _seer(home: Posting, acting: Posting, ch: Channel) -> Core | None:
    """A workspace other than `acting`, holding `ch` with its bot in it, if any."""
    spaces: dict[str, Posting] = getattr(home, "workspaces", {})
    for space in spaces.values():
        held = space.ws.channels.get(ch.id) is ch
        if space is not acting and held and space.installed and space.ws.bot_is_member(ch):
            return space
    return None
