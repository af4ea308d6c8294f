"""Installing the app by OAuth: the authorize page and oauth.v2.access, as Slack serves them.

The local Slack knows one distributed app (`OAuthApp`: client id, secret, redirect URL). Its
authorize page decides at once as the test chose (allow or deny) and redirects back with a
`code` or `error=access_denied`, the `state` always. A code is exchanged once, with the app's
id and secret, for a bot token that then works like the workspace's own; with token rotation
on, the token expires and comes with a refresh token (`grant_type=refresh_token`).
The installer is in the workspace the page's `team` names, else `next_team`, else the first;
`org_wide` installs into that workspace's whole Grid org (`team` null in the answer).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from aiohttp import web

from .posting import Posting
from .types import JSON, ApiError, OAuthApp
from .webapi import SCOPES, Args, Handler


async def authorize_page(sim: Posting, request: web.Request) -> web.StreamResponse:
    """GET /oauth/v2/authorize: the installer decides, and goes back to the app."""
    app: OAuthApp = sim.oauth
    query = dict(request.query)
    app.authorize_requests.append(query)
    if query.get("client_id") != app.client_id:
        return _page(400, "invalid_client_id: this app is not known to Slack")
    target = query.get("redirect_uri") or app.redirect_uri
    if not target or (app.redirect_uri and target != app.redirect_uri):
        return _page(400, "bad_redirect_uri: the redirect URL is not the app's")
    back: dict[str, str] = {"state": query.get("state", "")}
    if app.decision == "deny":
        back = {"error": "access_denied", **back}
    else:
        code = secrets.token_hex(12)
        app.codes[code] = query.get("scope", "")
        # The installer's workspace: `team` as chosen on the page, else the test's choice.
        team = query.get("team") or app.next_team or sim.ident.team_id
        app.code_targets[code] = (team, app.org_wide)
        back = {"code": code, **back}
    raise web.HTTPFound(f"{target}?{urlencode(back)}")


def _page(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")


def _client(app: OAuthApp, args: Args) -> None:
    """Raise Slack's error for an unknown client id or a wrong secret."""
    if args.text("client_id") != app.client_id:
        raise ApiError("invalid_client_id")
    if args.text("client_secret") != app.client_secret:
        raise ApiError("bad_client_secret")


def oauth_v2_access(sim: Posting, args: Args) -> JSON:
    """oauth.v2.access: a code for a bot token, or (rotation) a refresh token for a new one."""
    app: OAuthApp = sim.oauth
    _client(app, args)
    grant = args.text("grant_type") or "authorization_code"
    if grant == "refresh_token":
        refresh = args.text("refresh_token") or ""
        if refresh not in app.refresh:
            raise ApiError("invalid_refresh_token")
        app.refresh.discard(refresh)
        bound = app.grants.get(refresh, sim.ident.team_id)
        spaces: dict[str, Posting] = getattr(sim, "workspaces", {sim.ident.team_id: sim})
        if bound in spaces:
            return _grant(spaces[bound], app, SCOPES)
        org = [s for s in spaces.values() if s.ident.enterprise_id == bound]
        return _grant(org[0] if org else sim, app, SCOPES, org_wide=bool(org))
    if grant != "authorization_code":
        raise ApiError("invalid_grant_type")
    code = args.text("code") or ""
    scopes = app.codes.pop(code, None)
    if scopes is None:
        raise ApiError("invalid_code")  # unknown, or already used
    team, org_wide = app.code_targets.pop(code, (sim.ident.team_id, False))
    space = _installing(sim, team, org_wide)
    answer = _grant(space, app, scopes, org_wide)
    people = (u for u in space.ws.users if u != space.ident.bot_user_id)
    installer = app.installer or next(people, "U0000")
    answer["authed_user"] = {"id": installer}
    return answer


def _installing(sim: Posting, team: str, org_wide: bool) -> Posting:
    """The workspace an install goes into (installed from now on; org-wide: its whole org)."""
    spaces: dict[str, Posting] = getattr(sim, "workspaces", {sim.ident.team_id: sim})
    space = spaces.get(team)
    if space is None:
        raise ApiError("invalid_code")  # a code for a workspace this Slack does not hold
    enterprise = space.ident.enterprise_id
    if org_wide and enterprise is None:
        raise ApiError("invalid_code")  # only an Enterprise Grid org can install org-wide
    for other in spaces.values():
        if other is space or (org_wide and other.ident.enterprise_id == enterprise):
            other.installed = True
            other.ident.org_install = org_wide
    return space


def _grant(space: Posting, app: OAuthApp, scopes: str, org_wide: bool = False) -> JSON:
    """A new bot token bound to the workspace (org-wide: to its org), with a refresh token
    when rotating, in oauth.v2.access's shape."""
    ident = space.ident
    prefix = "xoxe.xoxb-1-" if app.rotation else f"xoxb-{ident.team_id}-"
    token = prefix + secrets.token_hex(12)
    app.tokens.add(token)
    enterprise = ident.enterprise_id
    app.grants[token] = enterprise if org_wide and enterprise else ident.team_id
    answer: JSON = {
        "app_id": ident.app_id,
        "access_token": token,
        "token_type": "bot",
        "scope": scopes,
        "bot_user_id": ident.bot_user_id,
        # An org-wide install names the org and no workspace.
        "team": None if org_wide else {"id": ident.team_id, "name": ident.team_name},
        "enterprise": None if enterprise is None else {"id": enterprise, "name": enterprise},
        "is_enterprise_install": org_wide,
    }
    if app.rotation:
        refresh = "xoxe-1-" + secrets.token_hex(12)
        app.refresh.add(refresh)
        app.grants[refresh] = app.grants[token]
        answer.update(refresh_token=refresh, expires_in=app.expires_in)
    return answer


METHODS: dict[str, Handler] = {"oauth.v2.access": oauth_v2_access}
