"""Slack exports for the import tests: the 2016 sample, and current-format exports built from
the message shapes of Zulip's Slack-import fixtures (see tests/fixtures/SOURCES.md)."""

from __future__ import annotations

import asyncio
import copy
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Config, load_config
from bot.importing.progress import Progress
from bot.importing.runner import Importer, Summary
from bot.store import Store
from localslack import LocalSlack
from localslack.objects import channel_object, user_object
from tests.support.rawdb import raw

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPORT_2016 = FIXTURES / "slack-export-viewer" / "testarchive"
SHAPES = FIXTURES / "zulip" / "exported_messages_fixtures"
TEAM = "T06NRA6HM3P"  # the workspace of Zulip's current-format messages
JSON = dict[str, Any]


def config() -> Config:
    """Default settings (the default emoji lists)."""
    return load_config({}, dotenv=None)


def shape(name: str) -> Any:
    """One of Zulip's message fixtures, without its non-Slack helper field."""
    data = json.loads((SHAPES / name).read_text())
    for message in data if isinstance(data, list) else [data]:
        message.pop("channel_name", None)
    return data


def person(uid: str, name: str, team: str = TEAM, **extra: Any) -> JSON:
    """A users.json entry in the current shape."""
    return {
        "id": uid,
        "team_id": team,
        "name": name,
        "deleted": False,
        "real_name": name.title(),
        "tz": "Europe/Berlin",
        "is_bot": False,
        "profile": {"display_name": name, "real_name": name.title(), "team": team},
        **extra,
    }


def channel(cid: str, name: str, members: Iterable[str] = ()) -> JSON:
    """A channels.json (or groups.json) entry."""
    return {
        "id": cid,
        "name": name,
        "created": 1433558319,
        "creator": "U06NU4E26M9",
        "is_archived": False,
        "is_general": False,
        "members": list(members),
        "topic": {"value": ""},
        "purpose": {"value": ""},
    }


def message(user: str, ts: str, text: str, **extra: Any) -> JSON:
    """A current-format message (blocks left out where the test does not need them)."""
    return {
        "user": user,
        "type": "message",
        "ts": ts,
        "text": text,
        "team": TEAM,
        "user_team": TEAM,
        "source_team": TEAM,
        **extra,
    }


def day_of(ts: str) -> str:
    """The day file a message goes into (UTC, as Slack's exports do)."""
    return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d")


def write_export(
    folder: Path,
    users: list[JSON],
    channels: dict[str, list[JSON]],
    groups: Sequence[JSON] = (),
    public: Sequence[JSON] = (),
    dms: Sequence[JSON] = (),
) -> Path:
    """An unpacked export: `channels` maps a folder name to its messages, split into days."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users.json").write_text(json.dumps(users, indent=1))
    (folder / "channels.json").write_text(json.dumps(list(public), indent=1))
    if groups:
        (folder / "groups.json").write_text(json.dumps(list(groups), indent=1))
    if dms:
        (folder / "dms.json").write_text(json.dumps(list(dms), indent=1))
    for name, messages in channels.items():
        days: dict[str, list[JSON]] = {}
        for msg in sorted(messages, key=lambda m: float(m["ts"])):
            days.setdefault(day_of(msg["ts"]), []).append(msg)
        (folder / name).mkdir(exist_ok=True)
        for day, found in days.items():
            (folder / name / f"{day}.json").write_text(json.dumps(found, indent=1))
    return folder


def zip_folder(folder: Path, target: Path, wrap: str = "") -> Path:
    """Zip an unpacked export (optionally inside one more folder, as some tools do)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.json")):
            archive.write(path, wrap + path.relative_to(folder).as_posix())
    return target


def run_import(
    db: Path,
    path: Path,
    team: str | None = None,
    clock: Callable[[], float] | None = None,
    **options: Any,
) -> Summary:
    """Import with the real Importer into the store at `db` (its clock: `clock`, if given)."""
    store = (Store(db, clock=clock) if clock else Store(db)).open()
    try:
        importer = Importer(store, config(), str(path), team, Progress(None))
        for name, value in options.items():
            setattr(importer, name, value)
        return importer.run()
    finally:
        store.close()


def exported(db: Path) -> list[JSON]:
    """The store's export (interface.md's format)."""
    store = Store(db).open()
    try:
        return asyncio.run(store.export_items())
    finally:
        store.close()


def without_ids(items: list[JSON], drop: Iterable[str] = ("id",)) -> list[JSON]:
    """Items without the fields that differ between equal imports (random ids)."""
    found = copy.deepcopy(items)
    for item in found:
        for name in drop:
            item.pop(name, None)
    return sorted(found, key=lambda i: (i["kind"], str(i["url"]), i["created_at"]))


def counts(db: Path) -> dict[str, int]:
    """Rows per table that an import writes."""
    store = Store(db).open()
    try:
        tables = (
            "items",
            "shares",
            "reactions",
            "votes",
            "flags",
            "users",
            "channels",
            "search_docs",
            "item_terms",
            "import_pending",
        )
        return {
            t: raw(store, lambda d, t=t: d.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in tables
        }
    finally:
        store.close()


def export_of(slack: LocalSlack, folder: Path) -> Path:
    """What Slack's workspace export of the local Slack would hold."""
    folder.mkdir()
    users = [user_object(slack.ident, u) for u in slack.ws.users.values()]
    (folder / "users.json").write_text(json.dumps(users))
    rooms = [c for c in slack.ws.channels.values() if not (c.is_im or c.is_mpim)]
    for name, private in (("channels.json", False), ("groups.json", True)):
        listed = [
            channel_object(slack.ident, slack.ws, c) for c in rooms if c.is_private == private
        ]
        (folder / name).write_text(json.dumps(listed))
    for room in rooms:
        days: dict[str, list[Any]] = {}
        for message in room.log.all():
            days.setdefault(day_of(message["ts"]), []).append(message)
        for day, messages in days.items():
            (folder / room.name).mkdir(exist_ok=True)
            (folder / room.name / f"{day}.json").write_text(json.dumps(messages))
    return folder
