"""Every output the real bot makes for a workspace, gathered as text, so a privacy test can say
where a planted word shows and where it must never show: the digests sent to the local Slack,
`/find` answers, Home tabs, the export (JSON and CSV), `serendip stats` (JSON, table and figures
per person), the HTML report, the weekly learning pulse, and what the database holds at all."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.cli.export import to_csv, to_json
from bot.report.figures import render_table
from bot.report.html import render_html
from bot.slack_client import make_client
from jobs.periods import last_weekly_time
from jobs.pulse import LearningPulse
from localslack import LocalSlack
from tests.support.bot import Env, bot_config, populate, start_bot
from tests.support.digests import send_now
from tests.support.find import find
from tests.support.rawdb import raw

PULSE_CHANNEL = "CPULSE"
# Shares carry the local Slack's ts, which may run a moment ahead of the wall clock.
AHEAD = 60.0


@dataclass
class Outputs:
    """Each output by name ("digest C1", "find U3 word", "home U2", "export json", ...)."""

    texts: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)  # `serendip stats --json --people`

    def add(self, name: str, text: str) -> None:
        self.texts[name] = self.texts.get(name, "") + text

    def having(self, word: str) -> list[str]:
        """The outputs that show `word` (any case)."""
        return sorted(n for n, t in self.texts.items() if word.lower() in t.lower())

    def assert_nowhere(self, *words: str) -> None:
        """None of the words shows in any output."""
        found = {w: self.having(w) for w in words if self.having(w)}
        lines = [
            line[:300]
            for w, names in found.items()
            for n in names
            for line in self.texts[n].splitlines()
            if w.lower() in line.lower()
        ]
        assert not found, f"leaked: {found}\n" + "\n".join(lines[:10])

    def assert_in(self, word: str, *names: str) -> None:
        """The word shows in each of these outputs (which must exist)."""
        missing = [n for n in names if n not in self.texts]
        assert not missing, f"no such output {missing}; have {sorted(self.texts)}"
        absent = [n for n in names if word.lower() not in self.texts[n].lower()]
        assert not absent, f"{word!r} should show in {absent}"

    def figure(self, name: str) -> Any:
        """One figure of the current period, as `serendip stats --json` gives it."""
        return self.stats["current"][name]


def digests(env: Env, outputs: Outputs) -> None:
    """Every digest the local Slack holds, by channel (or by recipient for direct messages)."""
    for channel in env.slack.ws.channels.values():
        where = channel.im_user or channel.id
        for message in channel.log.all():
            if (message.get("metadata") or {}).get("event_type") == "serendip_digest":
                outputs.add(f"digest {where}", json.dumps(message, ensure_ascii=False))


def direct_messages(env: Env, viewers: list[str], outputs: Outputs) -> None:
    """Everything the bot posted in each viewer's direct message (digests, experts' questions,
    answers to what they wrote), by viewer."""
    for user in viewers:
        dm = env.slack.ws.dm_id(user)
        for message in env.slack.messages(dm) if dm else []:
            if message.get("bot_id"):
                outputs.add(f"dm {user}", json.dumps(message, ensure_ascii=False))


async def homes(env: Env, viewers: list[str], outputs: Outputs) -> None:
    """Each viewer opens Home; the view the bot published, whole."""
    for user in viewers:
        await env.slack.open_home(user)
        await env.settle()
        view = env.slack.home_views.get(user)
        assert view is not None, f"no Home published for {user}"
        outputs.add(f"home {user}", json.dumps(view["blocks"], ensure_ascii=False))


async def figures(env: Env, outputs: Outputs, people: bool = True) -> None:
    """`serendip export` (JSON, CSV), `serendip stats` (JSON, table, --people) and the report,
    as the CLI makes them (every workspace of the database)."""
    items = await env.store.export_items()
    outputs.add("export json", to_json(items))
    outputs.add("export csv", to_csv(items))
    now = time.time() + AHEAD
    minutes = env.config.minutes_saved
    stats = await env.store.learning_stats(None, now, 7, minutes, people)
    outputs.stats = stats
    outputs.add("stats json", json.dumps(stats, ensure_ascii=False))
    outputs.add("stats table", render_table(stats))
    outputs.add("report html", render_html(await env.store.report_data(None, now, 7, minutes), now))
    outputs.add("database", raw(env.store, every_row))


def every_row(db: Database) -> str:
    """Every row of every table, as text: what is stored at all. The full-text index's own
    segments are left out: FTS5 keeps a deleted row's terms in them until segments merge,
    unreadable through any query (its content table, with the text, is checked)."""
    master = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    fts = [name for name, sql in master if "USING fts5" in (sql or "")]
    segments = {f"{name}_{part}" for name in fts for part in ("data", "idx")}
    lines = []
    for table in [name for name, _ in master if name not in segments]:
        for row in db.execute(f'SELECT * FROM "{table}"').fetchall():
            lines.append(f"{table}: {row!r}")
    return "\n".join(lines)


def pulse_moment(env: Env) -> datetime:
    """Just after the end of the week now running, so the pulse's week holds what was shared."""
    zone = ZoneInfo(env.config.tz)
    now = datetime.now(UTC)
    end = last_weekly_time(now, zone, env.config.digest_day, env.config.digest_hour)
    return (end + timedelta(days=7, seconds=AHEAD)).astimezone(UTC)


async def pulse(env: Env, outputs: Outputs) -> None:
    """The week's learning pulse posted in PULSE_CHANNEL: its text and its chart's alt text."""
    if PULSE_CHANNEL not in env.slack.ws.channels:
        env.slack.add_channel(PULSE_CHANNEL, name="learning-pulse", members=["U3"])
    config = replace(env.config, report_channel=PULSE_CHANNEL)
    moment = pulse_moment(env)
    # A second look in one test posts the week again: forget that it was posted.
    raw(env.store, lambda db: db.execute("DELETE FROM learning_pulse"))
    job = LearningPulse(env.store, make_client(config.bot_token, config.api_url), config)
    assert await job.tick(moment), "the pulse was not posted"
    [message] = [m for m in env.slack.messages(PULSE_CHANNEL) if m.get("files")][-1:]
    alt = env.slack.calls_of("files.getUploadURLExternal")[-1].args["alt_txt"]
    outputs.add("pulse", f"{message.get('text')}\n{alt}")


async def finds(env: Env, searches: list[tuple[str, str]], outputs: Outputs) -> None:
    """`/find` by each (person, query), from #general. Last: a search that finds nothing is
    kept as a knowledge gap, which the figures would then show."""
    for user, query in searches:
        answer = await find(env, user, query)
        # The answer repeats the query in its heading, fallback and "More results" button:
        # what it found is the rest.
        found = [b for b in (answer.get("blocks") or [])[1:] if b.get("type") != "actions"]
        outputs.add(f"find {user} {query}", json.dumps(found, ensure_ascii=False))


async def gather(
    env: Env, viewers: list[str], searches: list[tuple[str, str]], *, slack: bool = True
) -> Outputs:
    """Every output: digests due now (sent first), the bot's posts in each viewer's direct
    message, Home of each viewer, export, stats, the report, the pulse and the searches.
    `slack=False` (an app no longer installed): only what reads the database."""
    outputs = Outputs()
    if slack:
        await env.settle()
        await send_now(env)
        await env.settle()
        digests(env, outputs)
        direct_messages(env, viewers, outputs)
        await homes(env, viewers, outputs)
    await figures(env, outputs)
    if slack:
        await pulse(env, outputs)
        await finds(env, searches, outputs)
    return outputs


async def make_active(env: Env, *people: str) -> None:
    """People who used a command lately get a personal digest (README: Who gets one)."""
    for user in people:
        await env.slack.slash_command(user, "C1", "/serendip", "digest weekly")
    await env.settle()


@asynccontextmanager
async def running_grid_bot(db: Path, mode: str, org: str) -> AsyncIterator[Env]:
    """The small team in an Enterprise Grid org (`W` user ids), with W2, a colleague from the
    org's other workspace, and X1, the Slack Connect outsider, beside everyone in #org-wide."""
    async with LocalSlack(enterprise_id=org) as slack:
        populate(slack)
        slack.add_user("W1", name="wu", team_id=slack.team_id)
        slack.add_user("W2", name="wen", team_id="T0SISTER", enterprise_id=org)
        slack.add_channel("CORG", name="org-wide", members=["U1", "U2", "U3", "W1", "W2", "X1"])
        config = bot_config(slack, db, mode)
        runner, store, port, inbox = await start_bot(slack, config, mode)
        try:
            yield Env(slack, store, config, mode, port, inbox)
        finally:
            await runner.cleanup()
