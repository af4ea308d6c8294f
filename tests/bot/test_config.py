"""Settings: defaults, parsing, one-line errors naming the setting, secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def test_defaults() -> None:
    config = load_config({}, dotenv=None)
    assert config.api_url == "https://slack.com/api/"
    assert (config.port, config.tz, config.digest_day, config.digest_hour) == (
        3000,
        "UTC",
        "mon",
        9,
    )
    assert "+1" in config.useful_emoji
    assert config.save_emoji == {"bookmark"}
    assert config.fetch_links is True
    assert config.retention_days == 0
    assert config.uninstall_grace_days == 7
    assert config.log_level == "INFO"
    assert config.personal_digests == "active"
    assert load_config({"SERENDIP_PERSONAL_DIGESTS": "optin"}, None).personal_digests == "optin"
    assert (config.leader_poll, config.digest_tick) == (5.0, 300.0)
    quick = load_config({"SERENDIP_LEADER_POLL": "0.5", "SERENDIP_DIGEST_TICK": "2"}, None)
    assert (quick.leader_poll, quick.digest_tick) == (0.5, 2.0)


def test_dotenv_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\nPORT=4000\nSERENDIP_TZ='Europe/Paris'\nexport SERENDIP_DB=x.db\n"
    )
    config = load_config({"PORT": "5000"}, dotenv=env_file)
    assert (config.port, config.tz, config.db_path) == (5000, "Europe/Paris", "x.db")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "70000"),
        ("SERENDIP_TZ", "Mars/Olympus"),
        ("SERENDIP_DIGEST_DAY", "someday"),
        ("SERENDIP_DIGEST_HOUR", "25"),
        ("SERENDIP_FETCH_LINKS", "maybe"),
        ("SERENDIP_ADMINS", "U1,not-an-id"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong"),
        ("SLACK_API_URL", "ftp://x"),
        ("SERENDIP_LOG_LEVEL", "LOUD"),
        ("SERENDIP_PERSONAL_DIGESTS", "everyone"),
        ("SERENDIP_RETENTION_DAYS", "-1"),
        ("SERENDIP_FETCH_DELAY", "soon"),
        ("SERENDIP_LEASE_SECONDS", "0.5"),
        ("SERENDIP_LEASE_SECONDS", "a while"),
        ("SERENDIP_LEADER_POLL", "0"),
        ("SERENDIP_LEADER_POLL", "often"),
        ("SERENDIP_DIGEST_TICK", "-5"),
        ("SERENDIP_FETCH_ALLOW", "10.0.0.0/99:notaport"),
        ("SERENDIP_FETCH_ALLOW", "::::"),
        ("SERENDIP_FETCH_ALLOW", "intranet:0"),
        ("SERENDIP_FETCH_ALLOW", "a b"),
        ("SERENDIP_USEFUL_EMOJI", "thumbs up"),
        ("SLACK_API_URL", "http://a b/"),
        ("SLACK_API_URL", "http://[::1/"),
    ],
)
def test_malformed_setting_names_itself(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config({name: value}, dotenv=None)
    message = str(info.value)
    assert name in message
    assert "\n" not in message


def test_lists_and_switches() -> None:
    config = load_config(
        {
            "SERENDIP_ADMINS": "U1, W2",
            "SERENDIP_USEFUL_EMOJI": ":tada:,rocket",
            "SERENDIP_FETCH_LINKS": "off",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
        },
        dotenv=None,
    )
    assert config.admins == {"U1", "W2"}
    assert config.useful_emoji == {"tada", "rocket"}
    assert config.fetch_links is False
    assert config.api_url == "http://127.0.0.1:9/api/"


def test_secrets_not_in_repr_or_errors() -> None:
    config = load_config(
        {"SLACK_BOT_TOKEN": "xoxb-sekrit-123", "SLACK_SIGNING_SECRET": "shh-very-secret"},
        dotenv=None,
    )
    assert "sekrit" not in repr(config)
    assert "very-secret" not in repr(config)
    with pytest.raises(ConfigError) as info:
        load_config({"SLACK_BOT_TOKEN": "xoxp-sekrit-123"}, dotenv=None)
    assert "sekrit" not in str(info.value)


def test_require_names_missing_setting() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        load_config({}, dotenv=None).require("signing_secret")


def test_fetch_allow_entries() -> None:
    good = "intranet.example, 127.0.0.1:8080, 10.0.0.0/8, [::1]:443, ::ffff:7f00:1, wiki:443"
    config = load_config({"SERENDIP_FETCH_ALLOW": good}, dotenv=None)
    assert len(config.fetch_allow) == 6


def test_lease_seconds() -> None:
    assert load_config({}, dotenv=None).lease_seconds == 15.0
    assert load_config({"SERENDIP_LEASE_SECONDS": "2.5"}, dotenv=None).lease_seconds == 2.5
