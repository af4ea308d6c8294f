"""The export's top-level files: its people (users.json) and channels (channels.json, groups.json,
and the direct-message lists dms.json and mpims.json, whose folders are never read)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.capture_rules import SLACKBOT, person_enterprise, person_is_outsider
from bot.importing.source import ExportError, ExportSource, MalformedFile, Member, load_json
from bot.models import ChannelInfo, UserInfo, user_from_api


@dataclass
class Workspace:
    """Who and what an export holds, before any message is read."""

    team_id: str | None  # the export's own workspace, the one most of its people belong to
    people: list[dict[str, Any]] = field(default_factory=list)  # users.json's own people
    bots: frozenset[str] = frozenset()
    outsiders: frozenset[str] = frozenset()  # people of other organisations (Slack Connect)
    org_teams: frozenset[str] = frozenset()  # other workspaces of our Enterprise Grid org
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # by folder name
    direct: frozenset[str] = frozenset()  # folders of direct messages and group DMs
    problems: list[str] = field(default_factory=list)  # optional files that were unreadable

    def users(self, team_id: str) -> list[UserInfo]:
        """The export's own people, as the store keeps them."""
        return [user_from_api(team_id, person) for person in self.people]

    def channel_infos(
        self, team_id: str, capture: Mapping[str, str | None]
    ) -> dict[str, ChannelInfo]:
        """Channels by folder, with the capture setting the store has for each."""
        return {
            folder: ChannelInfo(
                team_id,
                str(c["id"]),
                c.get("name") if isinstance(c.get("name"), str) else None,
                is_private=bool(c.get("is_private") or c.get("_private")),
                is_archived=bool(c.get("is_archived")),
                is_member=False,
                capture=capture.get(str(c["id"])),
            )
            for folder, c in self.channels.items()
        }


def read_workspace(source: ExportSource, members: Iterable[Member]) -> Workspace:
    """Read users.json and channels.json (both required) and the optional lists."""
    top = {m.path: m for m in members if "/" not in m.path}
    for required in ("users.json", "channels.json"):
        if required not in top:
            raise ExportError(f"the export has no {required}: is it a Slack workspace export?")
    people = _records(source, top["users.json"])
    team = _own_team(people)
    enterprise = _own_enterprise(people, team)
    ws = Workspace(team_id=team)
    for person in people:
        uid = str(person["id"])
        home = _team_of(person)
        if person.get("is_bot") or uid == SLACKBOT:
            ws.bots |= {uid}
        elif person.get("is_stranger") or (team and home not in (None, team)):
            if person_is_outsider(team or "", person, enterprise):
                ws.outsiders |= {uid}
                continue  # another organisation's people are not kept
            ws.org_teams |= {str(home)}  # another workspace of our Enterprise Grid org
        ws.people.append(person)
    _add_channels(ws, _records(source, top["channels.json"]), private=False)
    ws.direct = frozenset(_optional(ws, source, top))
    return ws


def _optional(ws: Workspace, source: ExportSource, top: dict[str, Member]) -> set[str]:
    """Private channels from groups.json; returns the folders of dms.json and mpims.json.

    An unreadable one is reported, and its folders are skipped as unknown: nothing private is
    taken on a guess.
    """
    direct: set[str] = set()
    for listed, is_dm in (("groups.json", False), ("dms.json", True), ("mpims.json", True)):
        if listed not in top:
            continue
        try:
            records = _records(source, top[listed])
        except MalformedFile as exc:
            ws.problems.append(str(exc))
            continue
        if is_dm:
            direct |= {str(r.get("name") or r["id"]) for r in records}
        else:
            _add_channels(ws, records, private=True)
    return direct


def _records(source: ExportSource, member: Member) -> list[dict[str, Any]]:
    """A top-level list of objects with ids; a required file that is not one stops the import."""
    try:
        data = load_json(source, member)
    except MalformedFile as exc:
        if member.path in ("users.json", "channels.json"):
            raise ExportError(f"{exc}; nothing was imported") from None
        raise
    if not isinstance(data, list) or not all(isinstance(r, dict) and "id" in r for r in data):
        problem = f"{member.path}: not a list of objects with ids"
        if member.path in ("users.json", "channels.json"):
            raise ExportError(f"{problem}; nothing was imported")
        raise MalformedFile(problem)
    return data


def _team_of(person: Mapping[str, Any]) -> str | None:
    team = person.get("team_id") or person.get("team")
    return str(team) if team else None


def _own_team(people: list[dict[str, Any]]) -> str | None:
    """The workspace most of the export's people belong to (None if users.json never says)."""
    teams = Counter(t for p in people if (t := _team_of(p)) and not p.get("is_stranger"))
    return teams.most_common(1)[0][0] if teams else None


def _own_enterprise(people: list[dict[str, Any]], team: str | None) -> str | None:
    """The Enterprise Grid organisation of the export's own workspace, if it is in one."""
    orgs = Counter(e for p in people if _team_of(p) == team and (e := person_enterprise(p)))
    return orgs.most_common(1)[0][0] if team and orgs else None


def _add_channels(ws: Workspace, records: list[dict[str, Any]], private: bool) -> None:
    for record in records:
        channel = {**record, "_private": private or bool(record.get("is_private"))}
        # Folders are named after channels; some tools name them by id instead.
        for folder in (record.get("name"), record.get("id")):
            if isinstance(folder, str) and folder:
                ws.channels.setdefault(folder, channel)
