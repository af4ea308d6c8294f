"""`--team` of the commands that read data (issue 17, item 2): with several workspaces in the
database they refuse to guess; with `--team` they read that workspace alone."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.cli.main import main
from bot.models import ChannelInfo, ItemDraft, ShareInput, UserInfo
from bot.store import Installed, Store
from tests.support.cli import point_at_fresh_db

T = TypeVar("T")
READERS = (
    ["export"],
    ["stats"],
    ["report", "--html", "r.html"],
    ["digest", "preview", "--channel", "#general"],
    ["forget", "U1"],
)


async def seed_two(store: Store) -> None:
    """T1 ('Acme One', installed by OAuth) and T2: each a #general the bot is in, the same
    person U1, and a share only that workspace has."""
    now = time.time()
    for n, team in enumerate(("T1", "T2")):
        await store.save_channel(ChannelInfo(team, f"C{n}", "general", is_member=True))
        await store.save_user(UserInfo(team, "U1", f"sam-{team.lower()}", "Sam", "UTC"))
        text = f"TIL only-{team.lower()} walruses sleep standing"
        ts = f"{now - 3600 * (n + 1):.6f}"
        draft = ItemDraft("learning", f"til:C{n}:{ts}", text=text)
        await store.save_message(ShareInput(team, f"C{n}", ts, "U1", text, False), [draft])
        await store.set_reaction(team, f"C{n}", ts, "U3", "+1", "useful", True)
        await store.save_user(UserInfo(team, "U2", f"kim-{team.lower()}", "Kim", "UTC"))
        await store.note_person_activity(team, "U2", now - 60)
    await store.save_installation(Installed("", "T1", "xoxb-t1", team_name="Acme\nOne"))


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database holding two workspaces, and the environment pointing at it."""
    path = point_at_fresh_db(tmp_path, monkeypatch)
    store = Store(path).open()
    asyncio.run(seed_two(store))
    store.close()
    return path


def reading(path: Path, read: Callable[[Store], Coroutine[Any, Any, T]]) -> T:
    """What one store read returns, the database opened for it alone."""
    store = Store(path).open()
    try:
        return asyncio.run(read(store))
    finally:
        store.close()


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def shows_only(team: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """The command succeeds and its output shows the share of `team` ('t1' or 't2') alone."""
    code, out, _ = run(args, capsys)
    assert code == 0
    assert f"only-{team}" in out
    assert ("only-t2" if team == "t1" else "only-t1") not in out


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_several_workspaces_and_no_team_is_refused_in_one_line(
    two: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(command, capsys)
    assert code == 2
    assert out == ""
    assert (
        err == "serendip: the database holds 2 workspaces (T1 'Acme One', T2); choose with --team\n"
    )
    assert not (two.parent / "r.html").exists()


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("team", ["T9", "t1", "T1; DROP TABLE items", "", "T" + "1" * 40, "\nT1"])
def test_an_unknown_or_malformed_team_is_refused_in_one_line(
    two: Path, command: list[str], team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*command, "--team", team], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("serendip: --team ")
    assert err.count("\n") == 1
    assert len(err) < 200


def test_export_holds_only_the_team_asked_for(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["export", "--team", "T2"], capsys)
    assert code == 0
    items = json.loads(out)["items"]
    assert [i["text"] for i in items] == ["TIL only-t2 walruses sleep standing"]
    shows_only("t1", ["export", "--team", "T1", "--format", "csv"], capsys)


def test_stats_and_report_count_only_the_team_asked_for(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["stats", "--json", "--team", "T1"], capsys)
    assert code == 0
    one = json.loads(out)
    both = reading(two, lambda store: store.learning_stats(None, time.time(), 7, 15))
    assert one["current"]["items_shared"] == 1
    assert both["current"]["items_shared"] == 2
    pages = {}
    for team in ("T1", "T2"):
        code, out, _ = run(["report", "--html", "r.html", "--team", team], capsys)
        assert code == 0
        pages[team] = (two.parent / "r.html").read_text(encoding="utf-8")
    assert "only-t1" in pages["T1"]
    assert "only-t1" not in pages["T2"]
    assert "only-t2" in pages["T2"]


def test_digest_preview_shows_only_the_team_asked_for(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shows_only("t2", ["digest", "preview", "--channel", "#general", "--team", "T2"], capsys)
    shows_only("t1", ["digest", "preview", "--user", "U2", "--team", "T1", "--json"], capsys)


def test_forget_forgets_only_in_the_team_asked_for(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["forget", "U1", "--team", "T2"], capsys)
    assert code == 0
    assert "1 share(s)" in out
    assert reading(two, lambda store: store.opted_out("T2", "U1"))
    assert not reading(two, lambda store: store.opted_out("T1", "U1"))
    texts = [i["text"] for i in reading(two, lambda store: store.export_items())]
    assert texts == ["TIL only-t1 walruses sleep standing"]


def test_one_workspace_needs_no_team(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = point_at_fresh_db(tmp_path, monkeypatch)
    store = Store(path).open()
    asyncio.run(seed_two(store))
    asyncio.run(store.mark_uninstalled("T2", 0.0, 0))
    asyncio.run(store.purge_uninstalled(1.0))
    store.close()
    code, out, _ = run(["export"], capsys)
    assert code == 0
    assert [i["text"] for i in json.loads(out)["items"]] == ["TIL only-t1 walruses sleep standing"]
    code, _, err = run(["export", "--team", "T2"], capsys)
    assert code == 2
    assert "no such workspace" in err


def test_figures_per_person_follow_the_workspace_own_setting(
    two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`stats --people` needs individual stats on: the environment's (off here) or the
    workspace's own, set by its admins in Home."""
    reading(two, lambda store: store.change_team_settings("T1", {"individual_stats": "on"}))
    code, out, _ = run(["stats", "--json", "--people", "--team", "T1"], capsys)
    assert code == 0
    assert "people" in json.loads(out)
    code, _, err = run(["stats", "--people", "--team", "T2"], capsys)
    assert code != 0
    assert "SERENDIP_INDIVIDUAL_STATS=on" in err
