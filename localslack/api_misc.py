"""Web API methods auth.*, apps.*, users.*, team.* and views.*."""

from __future__ import annotations

import time

from .api_common import page
from .blockkit import check_view
from .objects import team_object, user_object
from .payloads import view_object
from .posting import Posting
from .types import JSON, ApiError
from .util import new_id
from .webapi import Args, Handler


def auth_test(sim: Posting, args: Args) -> JSON:
    """auth.test for the bot token (bot_id included, as bolt needs), answering with the
    token's workspace and, in Enterprise Grid, its org."""
    ident = sim.ident
    org_wide = ident.enterprise_id is not None and (
        sim.oauth.grants.get(args.token or "") == ident.enterprise_id
    )
    answer: JSON = {
        "url": ident.url,
        "team": ident.team_name,
        "user": ident.bot_name,
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "app_id": ident.app_id,
        "is_enterprise_install": org_wide,
    }
    if ident.enterprise_id is not None:
        answer["enterprise_id"] = ident.enterprise_id
    return answer


def connections_open(sim: Posting, args: Args) -> JSON:
    """apps.connections.open: a single-use WebSocket URL on the local Slack."""
    base = "ws" + sim.ident.url.removeprefix("http")
    return {"url": f"{base}link/?ticket={sim.hub.issue_ticket()}&app_id={sim.ident.app_id}"}


def users_info(sim: Posting, args: Args) -> JSON:
    """users.info."""
    user = sim.ws.users.get(args.need("user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_object(sim.ident, user)}


def users_list(sim: Posting, args: Args) -> JSON:
    """users.list with cursor pagination (no limit: everyone)."""
    everyone = [user_object(sim.ident, u) for u in sim.ws.users.values()]
    chunk, cursor = page(everyone, args, "users", 0)
    return {
        "members": chunk,
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": cursor},
    }


def team_info(sim: Posting, args: Args) -> JSON:
    """team.info."""
    return {"team": team_object(sim.ident)}


def _view(args: Args, kinds: tuple[str, ...]) -> JSON:
    """The view argument, checked against Slack's view limits."""
    view = args.structured("view", "invalid_arguments")
    error = check_view(view, kinds)
    if error or not isinstance(view, dict):
        raise ApiError(error or "invalid_arguments")
    return view


def views_publish(sim: Posting, args: Args) -> JSON:
    """views.publish of a Home tab."""
    user = args.need("user_id", "user_not_found")
    if user not in sim.ws.users:
        raise ApiError("user_not_found")
    view = _view(args, ("home",))
    current = sim.home_views.get(user)
    wanted_hash = args.text("hash")
    if current is not None and wanted_hash and wanted_hash != current["hash"]:
        raise ApiError("hash_conflict")
    view_id = current["id"] if current is not None else new_id("V", 10)
    sim.home_views[user] = view_object(sim.ident, view, view_id)
    return {"view": sim.home_views[user]}


def views_open(sim: Posting, args: Args) -> JSON:
    """views.open (and views.push) of a modal, spending the trigger_id."""
    sim.use_trigger(args.need("trigger_id", "invalid_trigger_id"))
    view = view_object(sim.ident, _view(args, ("modal",)), new_id("V", 10))
    sim.remember_modal(view)
    return {"view": view}


def views_update(sim: Posting, args: Args) -> JSON:
    """views.update of an opened modal, by view_id."""
    view_id = args.need("view_id", "not_found")
    old = sim.modal(view_id)
    if old is None:
        raise ApiError("not_found")
    wanted_hash = args.text("hash")
    if wanted_hash and wanted_hash != old["hash"]:
        raise ApiError("hash_conflict")
    view = view_object(sim.ident, _view(args, ("modal",)), view_id)
    sim.remember_modal(view)
    return {"view": view}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "apps.connections.open": connections_open,
    "users.info": users_info,
    "users.list": users_list,
    "team.info": team_info,
    "views.publish": views_publish,
    "views.open": views_open,
    "views.push": views_open,
    "views.update": views_update,
}
