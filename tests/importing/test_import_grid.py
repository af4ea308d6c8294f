"""Enterprise Grid exports: colleagues from the organisation's other workspaces are insiders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.exports import TEAM, channel, exported, message, person, run_import, write_export

ORG = "E0GRID"


def _grid_person(uid: str, name: str, team: str, org: str | None) -> dict[str, Any]:
    grid = {"enterprise_user": {"id": uid, "enterprise_id": org, "teams": [team]}} if org else {}
    return person(uid, name, team=team, **grid)


def test_the_import_keeps_colleagues_of_the_org(tmp_path: Path) -> None:
    users = [
        _grid_person("U1", "ana", TEAM, ORG),
        _grid_person("U2", "bo", TEAM, ORG),
        _grid_person("W3", "wen", "T0SISTER", ORG),
        _grid_person("X9", "vendor", "T0VENDOR", "E0ELSE"),
    ]
    sister = {"team": "T0SISTER", "user_team": "T0SISTER", "source_team": "T0SISTER"}
    vendor = {"team": "T0VENDOR", "user_team": "T0VENDOR", "source_team": "T0VENDOR"}
    messages = [
        message("U1", "1772200000.000100", "<https://home.example/>"),
        message("W3", "1772200001.000100", "<https://sister.example/>", **sister),
        message("X9", "1772200002.000100", "<https://vendor.example/>", **vendor),
    ]
    export = write_export(
        tmp_path / "export",
        users,
        {"general": messages},
        public=[channel("C1", "general", ["U1", "U2", "W3", "X9"])],
    )
    run_import(tmp_path / "bot.db", export)
    items = {i["url"]: i for i in exported(tmp_path / "bot.db")}
    assert set(items) == {"https://home.example/", "https://sister.example/"}
    assert [s["user"] for s in items["https://sister.example/"]["shares"]] == ["W3"]
