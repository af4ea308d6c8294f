"""The digest part of `serendip demo`: the real digest job, then what it posted, as text.

The job runs as `serendip digest send --now` would: every channel and active person is due
now, for a period that ends now, so the messages the demo just posted are inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.cli.digest_text import render
from bot.config import Config
from bot.pacer import Pacer
from bot.slack_client import make_client
from bot.store import Store
from jobs.delivery import EVENT_TYPE
from jobs.digests import run_digests
from jobs.people_sync import refresh_people
from localslack import LocalSlack, LocalSlackError

JSON = dict[str, Any]
SHOW_CHANNEL = "engineering"  # the channel digest the show prints
SHOW_PERSON = "ana"  # the personal digest it prints: she shared the most endorsed item
POSTS_PER_MINUTE = 6000  # a local Slack has no rate limit worth waiting for


@dataclass
class Digests:
    """The newest digest the bot posted in each channel and to each person, by name."""

    channels: dict[str, JSON] = field(default_factory=dict)
    people: dict[str, JSON] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: how many digests went where."""
        channels = ", ".join(f"#{name}" for name in self.channels) or "none"
        people = ", ".join(self.people) or "none"
        return (
            f"Digests: {len(self.channels)} channel ({channels}),"
            f" {len(self.people)} personal ({people})."
        )


def headline(item: JSON) -> str:
    """How the demo names a captured item: its title, a learning's text or a link's URL."""
    return str(item["title"] or (item["text"] if item["kind"] == "learning" else item["url"]))


def newest_digest(messages: list[JSON]) -> JSON | None:
    """The newest message the bot posted as a digest, if any."""
    for message in reversed(messages):
        meta = message.get("metadata") or {}
        if message.get("bot_id") and meta.get("event_type") == EVENT_TYPE:
            return message
    return None


def _history(slack: LocalSlack, conversation: str) -> list[JSON]:
    """A channel's messages, or a person's DM with the bot ([] when there is none)."""
    try:
        return slack.messages(conversation)
    except LocalSlackError:
        return []


def read_digests(slack: LocalSlack, data: JSON) -> Digests:
    """Every digest the bot posted to the demo's channels and people."""
    found = Digests()
    for channel in data["channels"]:
        if (message := newest_digest(_history(slack, channel["id"]))) is not None:
            found.channels[channel["name"]] = message
    for person in data["people"]:
        if (message := newest_digest(_history(slack, person["id"]))) is not None:
            found.people[person["name"]] = message
    return found


async def send_digests(store: Store, config: Config) -> None:
    """Run the digest job once, against the local Slack that `config` points at."""
    client = make_client(config.bot_token, config.api_url)
    await refresh_people(store, client)  # names and time zones, as `serendip run` reads them
    await run_digests(
        store, client, config, datetime.now(UTC), now_mode=True, pacer=Pacer(POSTS_PER_MINUTE)
    )


def framed(heading: str, message: JSON, names: dict[str, str]) -> str:
    """A heading, then the digest as plain text, indented under it."""
    body = "\n".join(f"    {line}".rstrip() for line in render(message, names).splitlines())
    return f"\n{heading}\n{'-' * len(heading)}\n{body}"


async def show_digests(
    slack: LocalSlack,
    store: Store,
    config: Config,
    data: JSON,
    items: list[JSON],
    say: Callable[[str], None],
) -> Digests:
    """Send the digests, print one channel's and one person's, and return all of them."""
    say("\nThen the digest job runs, as `serendip digest send --now` would.")
    await send_digests(store, config)
    digests = read_digests(slack, data)
    names = {p["id"]: p["name"] for p in data["people"]}
    if SHOW_CHANNEL in digests.channels:
        heading = f"Channel digest for #{SHOW_CHANNEL}"
        say(framed(heading, digests.channels[SHOW_CHANNEL], names))
    if SHOW_PERSON in digests.people:
        say(framed(f"Personal digest for {SHOW_PERSON}", digests.people[SHOW_PERSON], names))
        own = [headline(i) for i in items if any(s["user"] == SHOW_PERSON for s in i["shares"])]
        if own:
            say(f"  (Left out because {SHOW_PERSON} shared them: {'; '.join(own)}.)")
    return digests
