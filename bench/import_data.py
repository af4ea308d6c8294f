"""A synthetic Slack export in the current format, written as a zip member by member.

A third of the messages share a link (half of those with Slack's unfurl), a tenth carry
reactions, 2% are TIL learnings, 5% are thread replies; joins and bot posts are mixed in.
Messages have the fields of a current export (client_msg_id, team, user_profile, blocks), so
that reading them costs what reading a real export costs.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TEAM = "TBENCH0001"
START = 1_672_531_200  # 2023-01-01: history, well before any digest period of now
TOPICAL = "python sqlite index query cache deploy review docs design test latency memory stream"
WORDS = [f"w{n}" for n in range(300)] + TOPICAL.split(" ")
EMOJI = ["+1", "heart", "eyes", "tada", "+1::skin-tone-2", "raised_hands", "bookmark"]


@dataclass(frozen=True)
class Shape:
    """How big the export is."""

    messages: int
    channels: int = 100
    people: int = 2000

    @property
    def days(self) -> int:
        """Up to a year, at about 27 messages per channel and day (a smaller export has
        fewer days, not emptier ones)."""
        return max(1, min(365, self.messages // (self.channels * 27)))

    @property
    def urls(self) -> int:
        """Distinct URLs: most links are shared once, some many times."""
        return max(10, self.messages // 4)


def person(n: int) -> dict[str, Any]:
    """One users.json entry."""
    uid = f"U{n:08d}"
    profile = {"display_name": f"person{n}", "real_name": f"Person {n}", "team": TEAM}
    return {
        "id": uid,
        "team_id": TEAM,
        "name": f"person{n}",
        "deleted": False,
        "real_name": f"Person {n}",
        "tz": "Europe/Berlin",
        "is_bot": False,
        "profile": profile,
    }


def _message(
    rng: random.Random, shape: Shape, n: int, ts: str, parent: str | None
) -> dict[str, Any]:
    user = f"U{rng.randrange(shape.people):08d}"
    words = " ".join(rng.choices(WORDS, k=rng.randint(8, 20)))
    roll = rng.random()
    if roll < 0.03:
        return {
            "type": "message",
            "subtype": "channel_join",
            "user": user,
            "ts": ts,
            "text": f"<@{user}> has joined the channel",
        }
    if roll < 0.05:
        return {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0BENCH",
            "ts": ts,
            "text": f"build {n} passed <https://ci.example.com/{n}>",
        }
    elements: list[dict[str, Any]] = [{"type": "text", "text": words}]
    attachments = None
    if n % 3 == 0:
        target = f"https://site{n % 997}.example.com/articles/{rng.randrange(shape.urls)}"
        words = f"{words} <{target}?utm_source=slack|read this>"
        elements.append({"type": "link", "url": target, "text": "read this"})
        if rng.random() < 0.5:
            title, about = " ".join(rng.choices(WORDS, k=6)), " ".join(rng.choices(WORDS, k=20))
            attachments = [
                {
                    "from_url": target,
                    "original_url": target,
                    "id": 1,
                    "title": title,
                    "text": about,
                    "service_name": "Site",
                }
            ]
    elif roll < 0.07:
        words = f"TIL {words}"
    msg: dict[str, Any] = {
        "client_msg_id": f"{n:08x}-0000-4000-8000-{n:012x}",
        "type": "message",
        "text": words,
        "user": user,
        "ts": ts,
        "team": TEAM,
        "user_team": TEAM,
        "source_team": TEAM,
        "user_profile": {
            "avatar_hash": "g0",
            "first_name": "P",
            "real_name": "P",
            "display_name": user,
            "team": TEAM,
            "name": user,
        },
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "b",
                "elements": [{"type": "rich_text_section", "elements": elements}],
            }
        ],
    }
    if attachments:
        msg["attachments"] = attachments
    if parent:
        msg["thread_ts"], msg["parent_user_id"] = parent, user
    if n % 10 == 5:
        msg["reactions"] = [
            {
                "name": emoji,
                "users": [f"U{rng.randrange(shape.people):08d}" for _ in range(rng.randint(1, 4))],
                "count": 1,
            }
            for emoji in rng.sample(EMOJI, rng.randint(1, 3))
        ]
    return msg


def day_files(shape: Shape, seed: int = 7) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(path, messages) of every day file, in order; never more than one day in memory."""
    rng = random.Random(seed)
    per_file = shape.messages / (shape.channels * shape.days)
    made = 0
    for c in range(shape.channels):
        for d in range(shape.days):
            want = int((c * shape.days + d + 1) * per_file) - made
            if want <= 0:
                continue
            day = START + d * 86400
            found: list[dict[str, Any]] = []
            for i in range(want):
                ts = f"{day + i * 20}.{c:03d}{i % 1000:03d}"
                parent = found[-1]["ts"] if found and rng.random() < 0.05 else None
                found.append(_message(rng, shape, made + i, ts, parent))
            made += want
            name = datetime.fromtimestamp(day, UTC).strftime("%Y-%m-%d")
            yield f"channel-{c:03d}/{name}.json", found


def write_zip(path: Path, shape: Shape) -> int:
    """Write the export; returns how many messages it holds."""
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        out.writestr("users.json", json.dumps([person(n) for n in range(shape.people)]))
        channels = [
            {"id": f"C{c:08d}", "name": f"channel-{c:03d}", "created": START, "members": []}
            for c in range(shape.channels)
        ]
        out.writestr("channels.json", json.dumps(channels))
        for name, messages in day_files(shape):
            out.writestr(name, json.dumps(messages))
            total += len(messages)
    return total


def plain_rows(count: int) -> Iterator[dict[str, Any]]:
    """Rows as plain as a message gets, for the bare insert_all baseline."""
    rng = random.Random(11)
    for n in range(count):
        yield {
            "channel": f"C{n % 100:08d}",
            "ts": f"{START + n}.000100",
            "user": f"U{n % 2000:08d}",
            "text": " ".join(rng.choices(WORDS, k=14)),
        }
