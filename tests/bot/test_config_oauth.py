"""OAuth settings: all three together and never beside a bot token; one line, no secret shown."""

from __future__ import annotations

import logging

import pytest

from bot.config import ConfigError, load_config
from bot.logs import RedactingFormatter

CLIENT_SECRET = "client-secret-0123456789"
STATE_SECRET = "state-secret-0123456789abcdef"
OAUTH = {
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SERENDIP_STATE_SECRET": STATE_SECRET,
}


def test_the_three_settings_and_no_bot_token_install_by_oauth() -> None:
    config = load_config(OAUTH, dotenv=None)
    assert config.oauth
    assert (config.client_id, config.client_secret) == ("111.222", CLIENT_SECRET)
    assert config.authorize_url == "https://slack.com/oauth/v2/authorize"
    local = load_config({**OAUTH, "SLACK_API_URL": "http://127.0.0.1:9/api/"}, dotenv=None)
    assert local.authorize_url == "http://127.0.0.1:9/oauth/v2/authorize"
    shown = repr(config)
    assert CLIENT_SECRET not in shown
    assert STATE_SECRET not in shown
    assert {CLIENT_SECRET, STATE_SECRET} <= set(config.secrets)


def test_a_bot_token_alone_keeps_one_workspace() -> None:
    config = load_config({"SLACK_BOT_TOKEN": "xoxb-1"}, dotenv=None)
    assert not config.oauth
    assert config.client_id is None


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SLACK_CLIENT_ID": "1.2"}, "needs SLACK_CLIENT_SECRET, SERENDIP_STATE_SECRET too"),
        (
            {k: v for k, v in OAUTH.items() if k != "SERENDIP_STATE_SECRET"},
            "needs SERENDIP_STATE_SECRET too",
        ),
        (
            {"SLACK_CLIENT_SECRET": CLIENT_SECRET, "SERENDIP_STATE_SECRET": STATE_SECRET},
            "needs SLACK_CLIENT_ID too",
        ),
        ({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN serves one workspace: choose"),
        ({**OAUTH, "SERENDIP_STATE_SECRET": "short"}, "at least 16 characters"),
    ],
)
def test_partial_or_mixed_settings_stop_with_one_line(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env, dotenv=None)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message
    assert CLIENT_SECRET not in message
    assert STATE_SECRET not in message
    assert "short" not in message


def test_any_slack_token_is_redacted_from_logs() -> None:
    formatter = RedactingFormatter("%(message)s", [])
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "got %s and %s", ("xoxe.xoxb-1-abc", "xoxe-1-def"), None
    )
    text = formatter.format(record)
    assert "abc" not in text
    assert "def" not in text
    assert text == "got [redacted] and [redacted]"
