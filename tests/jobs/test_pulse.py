"""The learning pulse: its chart uploaded through the local Slack, once per week."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.config import Config, load_config
from bot.pacer import Pacer
from bot.slack_client import make_client
from bot.slacktext import escape
from bot.store import Store
from bot.workspace_clients import OneClient
from jobs.periods import Period
from jobs.pulse import LearningPulse
from jobs.pulse_text import pulse_text
from jobs.scheduler import build_scheduler
from localslack import LocalSlack
from localslack.types import JSON
from tests.support import figures
from tests.support.figures import NOW, highlight_rows, stats_rows
from tests.support.rawdb import raw

MONDAY = datetime.fromtimestamp(NOW, UTC)  # 2026-09-21 14:13 UTC, after Monday's 09:00
REPORT = "CREP"


@pytest.fixture
async def slack() -> AsyncIterator[LocalSlack]:
    """The workspace of the hand-built figures (T1), with a report channel the bot is in."""
    async with LocalSlack(team_id="T1") as s:
        s.add_user("U1", name="ana", real_name="Ana Lima")
        s.add_channel(REPORT, name="learning", members=["U1"], bot_member=True)
        s.add_channel("COFF", name="elsewhere", members=["U1"], bot_member=False)
        s.deliver_off()  # no bot listens: the tests read what Slack stored
        yield s


def _config(slack: LocalSlack, **extra: str) -> Config:
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.api_url,
        "SERENDIP_REPORT_CHANNEL": REPORT,
        **extra,
    }
    return load_config(env, dotenv=None)


def _pulse(slack: LocalSlack, store: Store, **extra: str) -> LearningPulse:
    config = _config(slack, **extra)
    return LearningPulse(store, make_client(config.bot_token, config.api_url), config)


def _shared(slack: LocalSlack) -> list[JSON]:
    return [m for m in slack.messages(REPORT) if m.get("files")]


async def test_uploads_its_chart_and_posts_once_per_week(slack: LocalSlack, store: Store) -> None:
    raw(store, stats_rows)
    pulse = _pulse(slack, store)
    assert await pulse.tick(MONDAY) == ["2026-W39"]
    [message] = _shared(slack)
    [file] = message["files"]
    assert file["mimetype"] == "image/png"
    assert file["title"] == "Learning pulse 2026-W39"
    assert "*Learning pulse, week 2026-W39*" in str(message["text"])
    assert "*2* items shared" in str(message["text"])
    assert "kubernetes" in str(message["text"])
    png = slack.file_content(file["id"])
    assert png is not None
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width > 600
    assert image.height > 500
    assert len(image.getcolors(1 << 20) or []) > 20  # lines, bars and text: not blank
    [get_url] = slack.calls_of("files.getUploadURLExternal")
    alt = get_url.args["alt_txt"]
    assert get_url.args["filename"] == "learning-pulse-2026-w39.png"
    assert alt.startswith("Line chart")
    assert "#data to #eng: 1" in alt
    assert "leads" not in alt + str(message["text"])
    assert "G1" not in alt
    for later in (MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=6, hours=18)):
        assert await pulse.tick(later) == []
    assert await _pulse(slack, store).tick(MONDAY + timedelta(hours=2)) == []  # a restart
    assert len(_shared(slack)) == 1
    assert len(slack.calls_of("files.completeUploadExternal")) == 1
    assert await pulse.tick(MONDAY + timedelta(days=7)) == ["2026-W40"]
    weeks = await store.pulse_weeks("T1")
    assert [(w["week"], w["status"]) for w in weeks] == [
        ("2026-W39", "posted"),
        ("2026-W40", "posted"),
    ]
    assert weeks[0]["file_id"] == file["id"]
    assert weeks[0]["ts"] == message["ts"]


async def test_the_week_is_the_digest_weeks_in_the_report_time_zone(
    slack: LocalSlack, store: Store
) -> None:
    pulse = _pulse(slack, store, SERENDIP_TZ="Asia/Tokyo", SERENDIP_DIGEST_HOUR="23")
    # Monday 23:00 in Tokyo is 14:00 UTC: at 13:59 UTC Monday's pulse is not due yet, and last
    # week's is no longer current (a missed week is dropped once the next has begun).
    assert await pulse.tick(datetime(2026, 9, 21, 13, 59, tzinfo=UTC)) == []
    assert await pulse.tick(datetime(2026, 9, 21, 14, 1, tzinfo=UTC)) == ["2026-W39"]
    text = str(_shared(slack)[0]["text"])
    assert "the week starting 14 Sep, to Mon 21 Sep 2026 23:00 (JST)" in text
    assert "*0* items shared · *0* useful votes · *0* active learners" in text
    assert "*Top learnings*: none shared in a public channel this week." in text
    assert "no data" in slack.calls_of("files.getUploadURLExternal")[0].args["alt_txt"]


async def test_no_channel_no_member_no_post(
    slack: LocalSlack, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(
        {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_API_URL": slack.api_url}, dotenv=None
    )
    unset = LearningPulse(store, make_client(config.bot_token, config.api_url), config)
    assert await unset.tick(MONDAY) == []
    assert [call.method for call in slack.calls] == ["auth.test"]  # its workspace: no channel
    outside = _pulse(slack, store, SERENDIP_REPORT_CHANNEL="COFF")
    with caplog.at_level(logging.WARNING, logger="jobs.pulse"):
        assert await outside.tick(MONDAY) == []
        assert await outside.tick(MONDAY + timedelta(minutes=15)) == []
    warnings = [r.getMessage() for r in caplog.records if "COFF" in r.getMessage()]
    assert len(warnings) == 1
    assert "invite Serendip" in warnings[0]
    assert not slack.calls_of("files.getUploadURLExternal")
    assert await store.pulse_weeks("T1") == []
    await slack.bot_joins("COFF", wait=False)
    assert await outside.tick(MONDAY + timedelta(minutes=30)) == ["2026-W39"]


async def test_a_refusal_frees_the_week_and_a_lost_answer_keeps_it(
    slack: LocalSlack, store: Store
) -> None:
    pulse = _pulse(slack, store)
    slack.fail_next("files.completeUploadExternal", "posting_to_channel_denied", status=200)
    assert await pulse.tick(MONDAY) == []
    assert await store.pulse_weeks("T1") == []
    slack.fail_next("files.getUploadURLExternal", "internal_error", status=500)
    assert await pulse.tick(MONDAY) == []
    assert await store.pulse_weeks("T1") == []
    assert await pulse.tick(MONDAY) == ["2026-W39"]  # Slack accepted it at last
    slack.lose_answer("files.completeUploadExternal")  # shared, but the answer was a 500
    assert await pulse.tick(MONDAY + timedelta(days=7)) == []
    assert len(_shared(slack)) == 2
    assert await pulse.tick(MONDAY + timedelta(days=7, hours=1)) == []  # never twice
    statuses = [(w["week"], w["status"]) for w in await store.pulse_weeks("T1")]
    assert statuses == [("2026-W39", "posted"), ("2026-W40", "claimed")]
    assert len(_shared(slack)) == 2


async def test_the_message_escapes_what_people_searched(slack: LocalSlack, store: Store) -> None:
    assert escape("<!channel> & co") == "&lt;!channel&gt; &amp; co"
    for query in ("<!channel> & vpn", "<!channel> & vpn", "searched once"):
        raw(
            store,
            lambda db, q=query: db.execute(
                "INSERT INTO knowledge_gaps (team_id, query, at) VALUES ('T1', ?, ?)",
                [q, NOW - 86400],
            ),
        )
    assert await _pulse(slack, store).tick(MONDAY) == ["2026-W39"]
    text = str(_shared(slack)[0]["text"])
    assert "&lt;!channel&gt; &amp; vpn" in text
    assert "<!channel>" not in text
    assert "searched once" not in text  # one person's search is not for a channel


async def test_scheduled_only_with_a_client(slack: LocalSlack, store: Store) -> None:
    client = OneClient(make_client(slack.bot_token, slack.api_url), Pacer(60))
    # With no channel in the environment too: each workspace may choose one in Home.
    without = build_scheduler(store, _config(slack, SERENDIP_REPORT_CHANNEL=""), clients=client)
    assert "learning-pulse" in {j.id for j in without.get_jobs()}
    assert "learning-pulse" not in {j.id for j in build_scheduler(store, _config(slack)).get_jobs()}
    jobs = {j.id: j for j in build_scheduler(store, _config(slack), clients=client).get_jobs()}
    job = jobs["learning-pulse"]
    assert job.max_instances == 1
    assert job.coalesce
    assert "interval[0:15:00]" in str(job.trigger)


async def test_leads_with_headlines_then_learnings_and_questions(
    slack: LocalSlack, store: Store
) -> None:
    raw(store, stats_rows)
    raw(store, highlight_rows)
    assert await _pulse(slack, store).tick(MONDAY) == ["2026-W39"]
    text = str(_shared(slack)[0]["text"])
    lines = text.split("\n")
    assert lines[0].startswith("*Learning pulse, week 2026-W39*")
    headline = lines[1]
    assert headline.count("*") == 6  # three numbers, each in bold, before anything else
    for figure in ("items shared", "useful votes", "active learners"):
        assert figure in headline
    assert "```" not in text
    learnings = text.index("*Top learnings*")
    questions = text.index("*Open questions*")
    assert learnings < questions < text.index("*Knowledge gaps*")
    assert f"1. {figures.PUBLIC_LEARNING} (#eng, 2 useful votes)" in text
    assert f"2. {figures.SECOND_LEARNING} (#data, 1 useful vote)" in text
    assert "3. " not in text[learnings:questions]  # only two learnings are public
    assert figures.PUBLIC_QUESTION in text[questions:]
    assert "<https://example.slack.com/archives/C1/ph1|in #eng>" in text
    assert "• #data → #eng: 1 useful vote by #eng people on #data's items" in text


async def test_never_quotes_private_notes_or_opted_out_people(
    slack: LocalSlack, store: Store
) -> None:
    raw(store, stats_rows)
    raw(store, highlight_rows)
    assert await _pulse(slack, store).tick(MONDAY) == ["2026-W39"]
    text = str(_shared(slack)[0]["text"])
    alt = slack.calls_of("files.getUploadURLExternal")[0].args["alt_txt"]
    for secret in (
        figures.PRIVATE_LEARNING,
        figures.NOTE_LEARNING,
        figures.PRIVATE_QUESTION,
        figures.OPTED_OUT_QUESTION,
    ):
        assert secret not in text + alt
    assert "#leads" not in text + alt


async def test_names_the_chart_weeks_by_their_day_in_the_report_time_zone(
    slack: LocalSlack, store: Store
) -> None:
    raw(store, stats_rows)
    pulse = _pulse(slack, store, SERENDIP_TZ="Asia/Tokyo", SERENDIP_DIGEST_HOUR="1")
    # Monday 01:00 in Tokyo is Sunday 16:00 UTC: in UTC the week would start on the 13th.
    assert await pulse.tick(datetime(2026, 9, 20, 16, 1, tzinfo=UTC)) == ["2026-W39"]
    text = str(_shared(slack)[0]["text"])
    alt = slack.calls_of("files.getUploadURLExternal")[0].args["alt_txt"]
    assert "the week starting 14 Sep, to Mon 21 Sep 2026 01:00 (JST)" in text
    assert "weeks starting 27 Jul to 14 Sep." in alt  # the chart's axis, in words
    assert "13 Sep" not in text + alt


def test_long_quotes_keep_the_message_within_slacks_limit() -> None:
    end = datetime(2026, 9, 21, 9, tzinfo=UTC)
    long = "<&> " * 400
    week = {"start": end.timestamp() - 7 * 86400, "shares": 0}
    figures_ = {"items_shared": 1, "votes": 1, "active_learners": 1}
    data = {
        "stats": {
            "current": {**figures_, "knowledge_gaps": [{"query": long, "count": 3}] * 10},
            "previous": figures_,
        },
        "series": [week],
        "flows": [{"from": "#a", "to": "#b", "votes": 2}] * 3,
        "learnings": [{"text": long, "votes": 2, "channel": "#eng"}] * 3,
        "open_questions": [{"text": long, "permalink": "https://x.slack.com/p1", "channel": "#e"}]
        * 5,
    }
    text = pulse_text(data, Period(end - timedelta(days=7), end, "2026-W39"), UTC)
    assert len(text) <= 4000
    assert text.startswith("*Learning pulse, week 2026-W39*")
    assert "*1* items shared" in text
    assert "<&>" not in text
