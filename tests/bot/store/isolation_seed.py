"""Three workspaces in one database whose data deliberately overlap, for the isolation tests
(issue 17, item 2): the same channel ids and names, the same people's ids and names, the same
URL shared in each; what each shares is told apart by markers (`t2-only`, `t2.example`, ...).

Each test compares what one workspace shows in a store holding all three with what it shows
in a store holding it alone: anything another workspace adds (an item, a person, a count, a
channel's name) makes the two differ.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import bot.store.pg.questions
import bot.store.sql.capture
import bot.store.sql.questions
from bot.models import ChannelInfo, ItemDraft, ShareInput, UserInfo
from bot.store import Interaction, Store
from bot.store.pg.store import PostgresStore
from bot.store.sql.interactions import week_of
from tests.bot.store.seed import select
from tests.support.clock import START, ticking
from tests.support.postgres import fresh_database

TEAMS = ("T1", "T2", "T3")
DAY = 86400
AT = START - 2 * DAY  # the Saturday before the run: inside the week a digest at NOW covers
NOW = datetime.fromtimestamp(START + 3600, UTC)  # after the votes, which the clock stamps
SHARED_URL = "https://shared.example/kafka-guide"  # shared in every workspace
# (channel id, name, private): the same ids everywhere; C3 is named per workspace, as a
# channel shared by Slack Connect may be.
CHANNELS = (("C1", "general", False), ("C2", "kafka", False), ("C3", "ops", False))
PEOPLE = (("U1", "sam"), ("U2", "kim"), ("U3", "lee"), ("U4", "max"), ("U5", "ada"))
Opener = Callable[[], Store]
COUNT = itertools.count(1)


def tag(team: str) -> str:
    """The marker of a workspace's own content ('t2' for T2)."""
    return team.lower()


def markers(team: str) -> list[str]:
    """Words only `team`'s content holds: its texts, links, channel and expert."""
    t = tag(team)
    return [f"{t}-only", f"{t}.example", f"ops-{t}", f"nine-{t}"]


def leaks(shown: str, team: str) -> list[str]:
    """The other workspaces' markers found in what `team` shows."""
    return [m for other in TEAMS if other != team for m in markers(other) if m in shown]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Opener]:
    """Opens fresh stores on one backend (each test runs on both), closed after the test.
    Ids of items and questions end in a count, not at random: where two tie (a message's
    learning and its link), they then sort alike in two stores seeded alike."""
    counted = SimpleNamespace(token_hex=lambda n: f"{next(COUNT):0{2 * n}x}")
    monkeypatch.setattr(bot.store.sql.capture, "secrets", counted)
    monkeypatch.setattr(bot.store.sql.questions, "secrets", counted)
    monkeypatch.setattr(bot.store.pg.questions, "secrets", counted)
    with ExitStack() as stack:
        opened: list[Store] = []

        def opener() -> Store:
            if request.param == "sqlite":
                path = tmp_path / f"serendip-{len(opened)}.db"
                store = Store(path, clock=ticking()).open()
            else:
                url = stack.enter_context(fresh_database())
                store = PostgresStore(url, clock=ticking(), partial=True).open()
            stack.callback(store.close)
            opened.append(store)
            return store

        yield opener


async def post(
    store: Store, team: str, channel: str, n: int, user: str, text: str, *urls: str
) -> str:
    """A message `n` minutes after AT making a learning (when it starts with TIL) and one link
    item per URL; returns its ts."""
    ts = f"{AT + 60 * n:.6f}"
    drafts = [ItemDraft("link", f"link:{url}", url=url) for url in urls]
    if text.startswith("TIL"):
        drafts.insert(0, ItemDraft("learning", f"til:{channel}:{ts}", text=text))
    private = channel.startswith("G")
    await store.save_message(ShareInput(team, channel, ts, user, text, private), drafts)
    return ts


async def votes(store: Store, team: str, channel: str, ts: str, *voters: str) -> None:
    """Useful reactions on a message."""
    for voter in voters:
        await store.set_reaction(team, channel, ts, voter, "+1", "useful", True)


async def seed_workspace(store: Store, team: str) -> None:
    """One workspace: the common channels and people, and its own shares, votes, a private
    channel's share and an open question; T2 and T3 also have a terraform expert (U9, and U1
    in T2) where T1 has one share about it (by U4)."""
    t = tag(team)
    for cid, name, private in (*CHANNELS, ("G1", "secret", True)):
        named = f"{name}-{t}" if cid == "C3" else name
        await store.save_channel(ChannelInfo(team, cid, named, is_private=private))
    for uid, name in PEOPLE:
        await store.save_user(UserInfo(team, uid, name, name.title(), "UTC"))
        await store.note_person_activity(team, uid, AT)
    first = await post(store, team, "C1", 1, "U1", f"TIL kafka keeps order {t}-only", SHARED_URL)
    await votes(store, team, "C1", first, "U3", "U4", *(("U5", "U2") if team == "T2" else ()))
    lag = await post(store, team, "C2", 2, "U2", f"kafka lag {t}-only", f"https://{t}.example/lag")
    await votes(store, team, "C2", lag, "U1", "U3", "U4")
    await store.set_reaction(team, "C2", lag, "U5", "triangular_flag_on_post", "flag", True)
    for n in (3, 4):  # U4's home channel is C3: their votes on C1 and C2 flow there
        await post(store, team, "C3", n, "U4", f"ops {t}-only", f"https://{t}.example/ops{n}")
    await post(store, team, "G1", 5, "U3", f"secret {t}-only", f"https://{t}.example/secret")
    await post(store, team, "C3", 6, "U4", f"TIL terraform state locking {t}-only")
    if team != "T1":
        await store.save_user(UserInfo(team, "U9", f"nine-{t}", "Nine", "UTC"))
        for n, user in ((7, "U9"), (8, "U9"), (9, "U9"), (10, "U1"), (11, "U1")):
            ts = await post(store, team, "C1", n, user, f"TIL terraform state locking {t}-only")
            await votes(store, team, "C1", ts, "U2", "U3")
    # Everyday ties (the networks of trust): T2 and T3 tie ana to their expert U9 as well.
    pairs = [("U1", "U4", 3), ("U2", "U5", 2)] + ([("U1", "U9", 9)] if team != "T1" else [])
    week = week_of(AT)
    ties = [Interaction(week, "", a, b, "reply", n) for a, b, n in pairs]
    await store.record_interactions(
        team, ties + [replace(i, actor=i.target, target=i.actor) for i in ties]
    )
    await store.record_gap(team, f"how to rotate {t}-only keys")
    asked = await store.create_question(team, "U2", False, f"kafka partitions? {t}-only", "C1")
    ts = f"{AT + 60 * 12:.6f}"
    await store.question_posted(asked, "C1", ts, False, AT + 720, f"https://{t}.example/q")


async def seeded(open_store: Opener, teams: tuple[str, ...] = TEAMS) -> Store:
    """A fresh store holding `teams`, seeded in that order."""
    store = open_store()
    for team in teams:
        await seed_workspace(store, team)
    return store


def plain(store: Store, found: Any) -> str:
    """What a read returned, as sorted JSON with item ids replaced by their keys (ids are
    drawn at random; keys are the same in two stores seeded alike), question ids by texts."""
    keys = {str(i): str(k) for i, k in select(store, "SELECT id, key FROM items")}
    keys |= {str(i): f"question {t}" for i, t in select(store, "SELECT id, text FROM questions")}
    return json.dumps(tree(found, keys), sort_keys=True)


def tree(value: Any, keys: dict[str, str]) -> Any:
    """`value` as JSON's types: dataclasses as objects, sets sorted, every key a string, item
    ids replaced by `keys` before anything is sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {tree(str(k), keys): tree(v, keys) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((tree(v, keys) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [tree(v, keys) for v in value]
    if isinstance(value, str):
        for item_id, key in keys.items():
            value = value.replace(item_id, key)
        return value
    if value is None or isinstance(value, int | float | bool):
        return value
    return str(value)
