"""`serendip digest send` and `serendip digest preview`."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from bot.cli.digest import digest_send
from bot.cli.main import main
from bot.config import load_config
from bot.store import Store
from localslack import LocalSlack
from tests.support.cli import point_at_fresh_db
from tests.support.seed import DAY, channel, person, share, vote
from tests.support.storefaults import cli_on_full_disk


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with a week of shares, and the environment pointing at it."""
    path = point_at_fresh_db(tmp_path, monkeypatch)
    store = Store(path).open()

    async def fill() -> None:
        await channel(store, "C1", "general")
        for uid in ("U1", "U2", "U3"):
            await person(store, uid)
        then = time.time() - DAY
        ts = await share(store, "C1", "U1", "https://a.example/", then, "Alpha <!here>")
        await vote(store, "C1", ts, "U2")
        await share(store, "C1", "U3", "https://b.example/", then + 1, "Beta")

    asyncio.run(fill())
    store.close()
    return path


def test_preview_a_person_as_text_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "preview", "--user", "U2"]) == 0
    out = capsys.readouterr().out
    assert "Your Serendip digest" in out
    assert "Beta (https://b.example/)" in out
    assert "Alpha" not in out  # U2 voted on it
    assert main(["digest", "preview", "--user", "U2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"text", "blocks"}
    assert "Beta" in payload["text"]


def test_preview_a_channel_by_name_or_id(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for channel_ref in ("#general", "C1"):
        assert main(["digest", "preview", "--channel", channel_ref]) == 0
        out = capsys.readouterr().out
        assert "#general" in out
        assert "Alpha &lt;!here&gt;" not in out
        assert "Alpha <!here>" in out


@pytest.mark.parametrize("argv", [["--user", "U9"], ["--channel", "C9"]])
def test_preview_nothing_to_send(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(["digest", "preview", *argv]) == 0
    assert "would get no digest" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["digest", "preview", "--user", "<@U1>"], "user id"),
        (["digest", "preview", "--channel", "#nowhere"], "no channel"),
        (["digest", "send"], "SLACK_BOT_TOKEN"),
    ],
)
def test_digest_errors_are_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err
    assert "\n" not in err


async def test_send_posts_then_sends_nothing_twice(db: Path) -> None:
    async with LocalSlack(team_id="T1") as slack:
        for uid in ("U1", "U2", "U3"):
            slack.add_user(uid)
        slack.add_channel("C1", name="general", members=["U1", "U2", "U3"], bot_member=True)
        config = load_config(
            {
                "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_API_URL": slack.api_url,
                "SERENDIP_SEND_RATE": "6000",
            },
            dotenv=None,
        )
        first = await digest_send(config, str(db), True, False)
        assert first.startswith("planned 4 digests")
        assert "sent 4" in first
        again = await digest_send(config, str(db), True, False)
        assert again == (
            "planned 0 digests: 4 recipients already handled for this period; "
            "--force sends again; sent 0"
        )
        assert len(slack.calls_of("chat.postMessage")) == 4
        forced = await digest_send(config, str(db), True, True)
        assert forced.startswith("planned 4 digests (0 with nothing new); sent 4")
        assert len(slack.calls_of("chat.postMessage")) == 8


async def test_send_on_a_full_disk_says_why_and_sends_nothing(db: Path) -> None:
    async with LocalSlack(team_id="T1") as slack:
        slack.add_user("U1")
        slack.add_channel("C1", name="general", members=["U1"], bot_member=True)
        status, err = await cli_on_full_disk(
            db,
            ["digest", "send", "--now"],
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_API_URL=slack.api_url,
        )
        assert status == 1
        assert err.strip().endswith(
            f"serendip: the database {db} cannot be written (disk I/O error); no digest was sent"
        )
        assert slack.calls_of("chat.postMessage") == []


async def test_a_disk_too_full_to_open_the_database_is_said_so(db: Path) -> None:
    status, err = await cli_on_full_disk(
        db, ["digest", "send", "--now"], readable=False, SLACK_BOT_TOKEN="xoxb-unused"
    )
    assert status == 2
    assert err.strip() == f"serendip: cannot read {db} (SERENDIP_DB): disk I/O error"


async def test_a_disk_that_fills_during_send_stops_it_with_the_cause(db: Path) -> None:
    async with LocalSlack(team_id="T1") as slack:
        slack.add_user("U1")
        slack.add_channel("C1", name="general", members=["U1"], bot_member=True)
        status, err = await cli_on_full_disk(
            db,
            ["digest", "send", "--now"],
            room=17_000,  # the check at open (4 pages of log) fits; storing the people does not
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_API_URL=slack.api_url,
        )
        assert status == 1
        assert err.strip().endswith(
            f"serendip: the database {db} cannot be written (disk I/O error); sending stopped, "
            "and a digest posted but not recorded is found on the next run"
        )
        assert slack.calls_of("users.list")  # it had started
