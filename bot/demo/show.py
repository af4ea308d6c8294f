"""`serendip demo`: the real bot against the built-in local Slack, replaying a small team's day.

It shows what was captured, then runs the digest job and shows a channel and a personal digest,
then a question asked with /ask, routed to a likely expert, answered, and found with /find, and
ends with the learning figures and an HTML report written where it says.
Nothing leaves 127.0.0.1: the local Slack listens there, the bot talks to it over Socket Mode,
link fetching is off, and the database lives in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.config import Config, load_config
from bot.demo.digests import headline, show_digests
from bot.demo.questions import show_question_flow
from bot.demo.report import DEMO_REPORT, show_report
from bot.runner import INBOX, STORE, build_server
from localslack import LocalSlack

Script = dict[str, Any]


def load_conversation() -> Script:
    """The scripted conversation shipped with the package."""
    text = resources.files("bot.demo").joinpath("data/conversation.json").read_text("utf-8")
    data: Script = json.loads(text)
    return data


def _setup_workspace(slack: LocalSlack, data: Script) -> None:
    for person in data["people"]:
        slack.add_user(
            person["id"],
            name=person["name"],
            real_name=person["real_name"],
            tz=person.get("tz", "UTC"),
            is_admin=person.get("is_admin", False),
            team_id=person.get("team_id"),
        )
    for channel in data["channels"]:
        slack.add_channel(
            channel["id"],
            name=channel["name"],
            is_private=channel.get("is_private", False),
            members=channel["members"],
            bot_member=False,
        )


class Player:
    """Plays the script's steps against the local Slack, narrating each one."""

    def __init__(self, slack: LocalSlack, data: Script, say: Callable[[str], None]) -> None:
        self.slack = slack
        self.say = say
        self.people = {p["name"]: p["id"] for p in data["people"]}
        self.channels = {c["name"]: c["id"] for c in data["channels"]}
        self.names = {c["id"]: c["name"] for c in data["channels"]}
        self.ts: dict[str, tuple[str, str]] = {}

    async def play(self, step: Script) -> None:
        """Run one step of the script."""
        await getattr(self, f"_{step['do']}")(step)

    async def _join(self, step: Script) -> None:
        self.say(f"  the bot is added to #{self.names[step['channel']]}")
        await self.slack.bot_joins(step["channel"])

    async def _say(self, step: Script) -> None:
        channel = self.channels[step["in"]]
        thread = self.ts[step["thread"]][1] if "thread" in step else None
        self.say(f"  {step['as']:>6} in #{step['in']}: {step['text'][:90]}")
        message = await self.slack.post_message(
            self.people[step["as"]], channel, step["text"], thread_ts=thread
        )
        self.ts[step["key"]] = (channel, str(message["ts"]))
        if "unfurl" in step:
            url = step["text"].split("<", 1)[1].split("|", 1)[0].split(">", 1)[0]
            await self.slack.unfurl(
                channel,
                str(message["ts"]),
                attachments=[{"from_url": url, "original_url": url, **step["unfurl"]}],
            )

    async def _react(self, step: Script) -> None:
        channel, ts = self.ts[step["on"]]
        self.say(f"  {step['as']:>6} reacts :{step['emoji']}:")
        await self.slack.add_reaction(self.people[step["as"]], channel, ts, step["emoji"])

    async def _command(self, step: Script) -> None:
        self.say(f"  {step['as']:>6} in #{step['in']}: {step['command']} {step['text']}")
        ack = await self.slack.slash_command(
            self.people[step["as"]], self.channels[step["in"]], step["command"], step["text"]
        )
        reply = (ack.body or {}).get("text", "") if isinstance(ack.body, dict) else ack.body
        self.say(f"         (only they see) {str(reply)[:100]}")

    async def _dm(self, step: Script) -> None:
        self.say(f"  {step['as']:>6} writes to the bot directly: {step['text']}")
        await self.slack.dm_bot(self.people[step["as"]], step["text"])

    async def _edit(self, step: Script) -> None:
        channel, ts = self.ts[step["key"]]
        self.say(f"  (edit) {step['text'][:90]}")
        await self.slack.edit_message(channel, ts, step["text"])


def render_items(items: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """The captured items, as a person would want to read them in a terminal."""
    lines = []
    for item in items:
        where = ", ".join(
            f"{s['user'] or '?'} in #{names.get(s['channel'] or '', 'direct message')}"
            for s in item["shares"]
        )
        head = headline(item)
        lines.append(f"  [{item['kind']:>8}] {head[:80]}")
        if item["url"] and item["url"] != head:
            lines.append(f"             {item['url']}")
        private = "  (private: stays in its channel)" if item["private"] else ""
        lines.append(f"             shared by {where}; useful to {len(item['votes'])}{private}")
    return lines


async def run_demo(quiet: bool = False, report: Path = DEMO_REPORT) -> int:
    """Run the whole show, print what was captured and write the HTML report to `report`;
    returns the exit status."""
    say: Callable[[str], None] = (lambda _: None) if quiet else print
    logging.getLogger().setLevel(logging.WARNING)  # the show's output, not the bot's logs
    data = load_conversation()
    with tempfile.TemporaryDirectory(prefix="serendip-demo-") as folder:
        async with LocalSlack() as slack:
            _setup_workspace(slack, data)
            config = load_config(
                {
                    "SLACK_BOT_TOKEN": slack.bot_token,
                    "SLACK_APP_TOKEN": slack.app_token,
                    "SLACK_API_URL": slack.api_url,
                    "SERENDIP_DB": str(Path(folder) / "demo.db"),
                    "SERENDIP_FETCH_LINKS": "off",
                    "SERENDIP_LOG_LEVEL": "WARNING",
                    "SERENDIP_SEND_RATE": "100000",
                },
                dotenv=None,
            )
            slack.deliver_socket(ack_timeout=3.0)
            web_app = build_server(config, socket_mode=True, scheduler=False)
            runner = web.AppRunner(web_app)
            await runner.setup()  # opens the store and connects over Socket Mode
            try:
                await _show(slack, data, web_app, config, say)
                print(await show_report(web_app[STORE], config, report))
                return 0
            finally:
                await runner.cleanup()


async def _capture(
    slack: LocalSlack, data: Script, web_app: web.Application, say: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Play the script, wait until the bot has stored it all, and return the stored items."""
    say("Serendip demo: the real bot, a local Slack on 127.0.0.1, a small team's day.\n")
    player = Player(slack, data, say)
    for step in data["script"]:
        await player.play(step)
    await slack.wait_idle()
    await web_app[INBOX].drain()
    items = await web_app[STORE].export_items()
    names = {p["id"]: p["name"] for p in data["people"]}
    for item in items:
        for share in item["shares"]:
            share["user"] = names.get(share["user"], share["user"])
    return items


async def _show(
    slack: LocalSlack,
    data: Script,
    web_app: web.Application,
    config: Config,
    say: Callable[[str], None],
) -> None:
    """Capture, print what was stored, send and print the digests, then the question."""
    items = await _capture(slack, data, web_app, say)
    channels = {c["id"]: c["name"] for c in data["channels"]}
    print(f"\nCaptured {len(items)} item(s):")
    print("\n".join(render_items(items, channels)))
    posts = slack.calls_of("chat.postMessage")
    print(f"\nThe bot posted {len(posts)} message(s): a join note per channel, help for a DM and")
    print("a card for the /til.")
    print("Not captured: the !nda message, the Slack Connect vendor, the private channel before")
    print("its members turned capture on, and what dee shared after opting out.")
    digests = await show_digests(slack, web_app[STORE], config, data, items, say)
    print(f"\n{digests.summary()}")
    people = {p["id"]: p["name"] for p in data["people"]}

    async def settle() -> None:
        await slack.wait_idle()
        await web_app[INBOX].drain()

    flow = await show_question_flow(slack, web_app[STORE], settle, people, say)
    print(flow.summary(people))
