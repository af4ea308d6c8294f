"""`deploy/`: the compose file and the systemd unit run commands and settings that exist."""

from __future__ import annotations

import configparser
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import _parser

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SETTING = re.compile(r"\b(?:SLACK|SERENDIP)_[A-Z0-9_]+\b")


def compose() -> dict[str, Any]:
    """The compose file, parsed (YAML anchors resolved)."""
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    return data


def documented_settings() -> set[str]:
    """Every setting named in the README's settings table."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return set(SETTING.findall(table))


def serendip_args(command: list[str]) -> list[str]:
    """The arguments of a `serendip …` command line, checked to start with the console script."""
    assert Path(command[0]).name == "serendip", command
    return command[1:]


def test_compose_runs_postgres_and_two_socket_mode_replicas() -> None:
    services = compose()["services"]
    replicas = {name: s for name, s in services.items() if name.startswith("replica")}
    assert len(replicas) == 2
    for service in replicas.values():
        args = _parser().parse_args(serendip_args(service["command"]))
        assert args.command == "run"
        assert args.no_migrate  # the schema is the migrate service's, applied once before
        assert not args.http  # Socket Mode: no inbound port, no public URL
        assert service["environment"]["SERENDIP_DB"].startswith("postgresql://")
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    migrate = services["migrate"]
    assert _parser().parse_args(serendip_args(migrate["command"])).command == "migrate"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The same database for everyone, named after the postgres service.
    urls = {s["environment"]["SERENDIP_DB"] for s in [migrate, *replicas.values()]}
    assert len(urls) == 1
    assert "@postgres:5432/" in urls.pop()


def test_compose_settings_come_from_the_example_env_file() -> None:
    example = (DEPLOY / "serendip.env.example").read_text()
    names = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line}
    assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"} <= names  # Socket Mode needs both
    assert names <= documented_settings()
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "deploy/serendip.env" in ignored  # the filled-in copy holds the tokens


def test_systemd_unit_runs_a_replica_with_settings_from_a_file() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "serendip@.service")
    service = unit["Service"]
    args = _parser().parse_args(serendip_args(shlex.split(service["ExecStart"])))
    assert args.command == "run"
    assert args.no_migrate
    assert service["EnvironmentFile"].startswith("/etc/serendip/")
    assert service["KillSignal"] == "SIGTERM"  # a clean stop; the inbox keeps the rest
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize("name", ["compose.yml", "serendip@.service", "serendip.env.example"])
def test_every_setting_named_in_deploy_is_documented(name: str) -> None:
    named = set(SETTING.findall((DEPLOY / name).read_text()))
    assert named, name
    assert named <= documented_settings(), named - documented_settings()


def test_the_image_holds_every_package_the_project_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.MULTILINE))
    assert copied == packages
    assert 'CMD ["serendip", "run"]' in dockerfile
