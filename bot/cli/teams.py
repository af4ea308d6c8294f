"""`--team T…` of the commands that read data: which workspace they read, never a guess."""

from __future__ import annotations

import re

from bot.store import Store

TEAM_ID = re.compile(r"^T[A-Z0-9]{1,20}$")


async def choose_team(store: Store, given: str | None) -> str | None:
    """The workspace `--team` names; None (every row, as before) when it is not given and the
    database holds one workspace or none. ValueError, in one line, for an id that is malformed
    or not in the database, and when several workspaces leave the choice open."""
    if given is not None and not TEAM_ID.match(given):
        raise ValueError(f"--team wants a workspace id like T0123ABCD, got {given[:40]!r}")
    teams = await store.teams()
    if given is None and len(teams) <= 1:
        return None
    if given in teams:
        return given
    listed = await _listed(store, teams)
    if given is None:
        raise ValueError(
            f"the database holds {len(teams)} workspaces ({listed}); choose with --team"
        )
    raise ValueError(f"--team {given}: no such workspace in the database ({listed or 'none'})")


async def _listed(store: Store, teams: list[str]) -> str:
    """The workspaces' ids, each with its name when an install told it, on one line."""
    names = {t: " ".join(n.split())[:60] for t, n in (await store.team_names()).items()}
    return ", ".join(f"{t} {names[t]!r}" if names.get(t) else t for t in teams)
