"""The learning pulse: once a week, the headlines (jobs.pulse_text) and a chart posted to
SERENDIP_REPORT_CHANNEL.

The week is the ISO week, in SERENDIP_TZ, of the weekly digest time (the channel digests' period
of jobs.periods), so the pulse goes out with them, and a missed one while its week is current.
The week is claimed in the store before anything is sent, so ticks and restarts post it at most
once. Figures are read and the chart drawn off the event loop; the post is Slack's upload flow:
files.getUploadURLExternal, the bytes to the upload URL, then files.completeUploadExternal.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.models import BotPost
from bot.pacer import Pacer
from bot.store import Store
from bot.team_settings import team_config
from bot.workspace_clients import Clients, OneClient
from jobs.digests import due_period
from jobs.periods import Period
from jobs.pulse_text import pulse_text

log = logging.getLogger(__name__)
DAYS = 7
MAX_ALT = 1000  # Slack's limit for a file's alt_txt
UPLOAD_TIMEOUT = 60


class Refused(Exception):
    """Slack refused the pulse before sharing anything, so the week may be tried again."""


def render_chart(data: dict[str, Any], tz: tzinfo = UTC) -> tuple[bytes, str]:
    """The PNG and its alt text (run in a thread: drawing takes a moment of CPU)."""
    # Imported here, in the worker thread: matplotlib's import is slow and only the pulse needs it.
    from bot.report.charts import flows_alt, pulse_chart, series_alt

    alt = f"{series_alt(data['series'], tz)} {flows_alt(data['flows'])}"
    if len(alt) > MAX_ALT:
        alt = alt[: MAX_ALT - 1] + "…"
    return pulse_chart(data["series"], data["flows"], tz), alt


async def upload_png(
    client: AsyncWebClient, channel: str, png: bytes, title: str, alt: str, comment: str
) -> tuple[str, str | None]:
    """Share a PNG into a channel with a comment: (file id, message ts when Slack tells it).

    Raises Refused when Slack did not act; any other error may have come after the share.
    """
    name = title.lower().replace(" ", "-") + ".png"
    try:
        ticket = await client.files_getUploadURLExternal(
            filename=name, length=len(png), alt_txt=alt
        )
        timeout = aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(str(ticket["upload_url"]), data=png) as answer,
        ):
            if answer.status != 200:
                raise Refused(f"the upload answered HTTP {answer.status}")
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        raise Refused(str(exc)) from exc  # nothing is shared before files.completeUploadExternal
    file_id = str(ticket["file_id"])
    try:
        done = await client.files_completeUploadExternal(
            files=[{"id": file_id, "title": title}], channel_id=channel, initial_comment=comment
        )
    except SlackApiError as exc:
        if exc.response.status_code in (200, 429):  # an `ok: false` answer: nothing was shared
            raise Refused(str(exc.response.get("error"))) from exc
        raise
    return file_id, _share_ts(done.get("files") or [], channel)


def _share_ts(files: list[dict[str, Any]], channel: str) -> str | None:
    # Slack may share the file a moment after answering; then the ts is not known yet.
    shares = files[0].get("shares", {}) if files else {}
    for kind in ("public", "private"):
        found = (shares.get(kind) or {}).get(channel) or []
        if found:
            return str(found[0]["ts"])
    return None


class LearningPulse:
    """The weekly job, in each workspace the jobs serve, through that workspace's client."""

    def __init__(self, store: Store, clients: Clients | AsyncWebClient, config: Config) -> None:
        self.store = store
        if isinstance(clients, AsyncWebClient):
            clients = OneClient(clients, Pacer(config.send_rate))
        self.clients: Clients = clients
        self.config = config
        self._warned: set[tuple[str, str]] = set()

    async def tick(self, now: datetime) -> list[str]:
        """Post the current week's pulse wherever it is due and was not posted; returns the
        week keys posted."""
        posted: list[str] = []
        for team in await self.clients.teams():
            poster = await self.clients(team)
            if poster is not None and (week := await self.tick_team(team, poster.client, now)):
                posted.append(week)
        return posted

    async def tick_team(self, team: str, client: AsyncWebClient, now: datetime) -> str | None:
        """Post the workspace's pulse for the current week unless it was; returns its key."""
        config = await team_config(self.store, self.config, team)  # its channel and zone
        channel = config.report_channel
        tz = ZoneInfo(config.tz)
        period = due_period(now, tz, "weekly", config, False)
        if not channel or period is None:
            return None
        recorded = {row["week"] for row in await self.store.pulse_weeks(team)}
        if period.key in recorded or not await self._can_post(client, channel, period.key):
            return None
        # Read and draw before claiming: a failure here leaves the week free for the next tick.
        data = await self.store.report_data(
            team, period.end.timestamp(), DAYS, config.minutes_saved, config.tz
        )
        png, alt = await asyncio.to_thread(render_chart, data, tz)
        if not await self.store.claim_pulse(team, period.key, channel, time.time()):
            return None
        text = pulse_text(data, period, tz)
        return await self._post(client, team, channel, period, (png, alt, text))

    async def _can_post(self, client: AsyncWebClient, channel: str, week: str) -> bool:
        """Whether the bot is in the report channel; else a warning, once a week."""
        try:
            info = await client.conversations_info(channel=channel)
            error = None if info["channel"].get("is_member") else "the bot is not a member"
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
        if error is not None:
            self._warn(
                week,
                f"no learning pulse in SERENDIP_REPORT_CHANNEL {channel}: {error}"
                " (invite Serendip to it)",
            )
        return error is None

    def _warn(self, week: str, message: str) -> None:
        if (week, message) not in self._warned:
            self._warned.add((week, message))
            log.warning("%s", message)

    async def _post(
        self,
        client: AsyncWebClient,
        team: str,
        channel: str,
        period: Period,
        shown: tuple[bytes, str, str],
    ) -> str | None:
        """Share the claimed week's pulse (chart, its alt text, the text); release the claim
        if Slack refused it."""
        title = f"Learning pulse {period.key}"
        png, alt, text = shown
        try:
            file_id, ts = await upload_png(client, channel, png, title, alt, text)
        except Refused as exc:
            await self.store.release_pulse(team, period.key)
            self._warn(period.key, f"the learning pulse for {period.key} was refused: {exc}")
            return None
        except Exception:
            # It may have been shared: keep the claim, so the week is never posted twice.
            log.exception("the learning pulse for %s may not have been posted", period.key)
            return None
        await self.store.pulse_posted(team, period.key, file_id, ts)
        if ts is not None:
            await self.store.record_bot_post(BotPost(team, channel, ts, None, "pulse"))
        log.info("learning pulse for %s posted in %s", period.key, channel)
        return period.key
