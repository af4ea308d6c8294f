"""A malformed `.env` line stops every command with one line naming the file and the line,
never echoing what the line holds (it may be a secret)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, read_dotenv
from tests.support.environment import child_env

SECRET = "xoxb-1111-2222-sekritsekrit"


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (f"SLACK_BOT_TOKEN {SECRET}", "SLACK_BOT_TOKEN is not followed by '='"),
        (f"SLACK_BOT_TOKEN: {SECRET}", "not a NAME=value setting (no '=')"),
        (f"export SLACK_BOT_TOKEN {SECRET}", "SLACK_BOT_TOKEN is not followed by '='"),
        (SECRET, "not a NAME=value setting (no '=')"),
        (f"={SECRET}", "not a NAME=value setting"),
        (f"SLACK BOT TOKEN={SECRET}", "not a NAME=value setting"),
        (f'SLACK_BOT_TOKEN="{SECRET}', "the value of SLACK_BOT_TOKEN opens a quote"),
    ],
)
def test_malformed_line_is_named_and_never_echoed(tmp_path: Path, line: str, says: str) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"# settings\n\n{line}\nPORT=4000\n")
    with pytest.raises(ConfigError) as info:
        load_config({}, dotenv=env_file)
    message = str(info.value)
    assert message.startswith(f"{env_file} line 3: ")
    assert says in message
    assert "\n" not in message
    assert "sekrit" not in message


def test_well_formed_lines_still_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    lines = ["\ufeffPORT=4000", "  # indented", "export SERENDIP_TZ = 'Europe/Paris'"]
    lines += ['SERENDIP_DB="my db.sqlite"', "SERENDIP_ADMINS="]
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")  # a BOM, as some editors save
    assert read_dotenv(env_file) == {
        "PORT": "4000",
        "SERENDIP_TZ": "Europe/Paris",
        "SERENDIP_DB": "my db.sqlite",
        "SERENDIP_ADMINS": "",
    }


def test_cli_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"SERENDIP_DB=x.db\nSLACK_BOT_TOKEN {SECRET}\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "stats"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=child_env(),
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    said = "SLACK_BOT_TOKEN is not followed by '=' (write SLACK_BOT_TOKEN=value)"
    assert result.stderr.splitlines() == [f"serendip: .env line 2: {said}"]
    assert "sekrit" not in result.stderr
    assert not (tmp_path / "x.db").exists()  # stopped before anything was done
