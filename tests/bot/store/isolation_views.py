"""What one workspace shows through each door the isolation tests check, read from a store."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.config import load_config
from bot.store import Store
from jobs.digests import ACTIVE_DAYS, load, person_preview, preview
from jobs.periods import now_period
from jobs.pulse_text import pulse_text
from tests.bot.store.isolation_seed import AT, NOW

CONFIG = load_config({}, dotenv=None)
DAYS = 7
PEOPLE = ("U1", "U2", "U3", "U4", "U5", "U9")


async def digests(store: Store, team: str) -> dict[str, Any]:
    """Every digest `team` composes now: its channels', and its people's (also as Home's
    welcome previews them), with the snapshot they come from."""
    found: dict[str, Any] = {"snapshot": await load(store, team, NOW)}
    for channel in ("C1", "C2", "C3", "G1"):
        found[channel] = await preview(store, CONFIG, "channel", channel, NOW, team)
    for person in ("U1", "U2", "U3", "U4", "U5"):
        found[person] = await preview(store, CONFIG, "person", person, NOW, team)
        found[f"welcome {person}"] = await person_preview(store, CONFIG, team, person, NOW)
    return found


async def home_of(store: Store, team: str, person: str) -> dict[str, Any]:
    """What Home reads for one person."""
    return {
        "mine": await store.my_items(team, person),
        "top": await store.top_items(team, AT - 3600),
        "counts": await store.person_counts(team, person),
        "standing": await store.digest_standing(team, person, AT - ACTIVE_DAYS * 86400),
        "network": await store.learning_network(team, person),
        "questions": await store.open_questions(team),
        "names": await store.names_of(team, ["U1", "U2", "U3", "U4", "U9"]),
        "bookmarks": await store.bookmarks(team, person),
        "cadence": await store.digest_cadence(team, person),
    }


async def figures(store: Store, team: str) -> dict[str, Any]:
    """The report's (and the pulse's) data, its message, and `serendip stats` with people."""
    now = NOW.timestamp() + 86400  # the votes are stamped by the store's clock, from NOW on
    data = await store.report_data(team, now, DAYS, 15, "UTC")
    zone = ZoneInfo("UTC")
    period = now_period(NOW, zone, "weekly", CONFIG.digest_day, CONFIG.digest_hour)
    return {
        "report": data,
        "pulse": pulse_text(data, period, zone),
        "stats": await store.learning_stats(team, now, DAYS, 15, True),
        "counts": await store.counts(team),
    }


async def everything(store: Store, team: str) -> dict[str, Any]:
    """All of the above, and the workspace's export, channels and people as stored."""
    return {
        "digests": await digests(store, team),
        "figures": await figures(store, team),
        "homes": {p: await home_of(store, team, p) for p in PEOPLE},
        "export": await store.export_items(team),
        "channels": [await store.channel(team, c) for c in ("C1", "C2", "C3", "G1")],
        "people": [await store.user(team, p) for p in PEOPLE],
    }
