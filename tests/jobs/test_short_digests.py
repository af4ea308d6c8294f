"""Digests people read (issue 15): at most 5 items, a readable header, impact first."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store import Store
from jobs.compose import Composed, Composer, channel_digest, personal_digest
from jobs.digest_blocks import (
    DigestItem,
    DigestSection,
    DigestView,
    build_digest,
    view_from_json,
    view_people,
    view_to_json,
    with_fewer_votes,
    without_person,
)
from jobs.digests import load
from jobs.periods import Period, period_label
from localslack.blockkit import check_message
from tests.support.seed import MONDAY, channel, person, share, vote

WEEK = Period(MONDAY - timedelta(days=7), MONDAY, "2026-W49")
T = (MONDAY - timedelta(days=2)).timestamp()
MORE = "More in Serendip's Home tab."


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store whose clock stands in the seeded week."""
    opened = Store(tmp_path / "serendip.db", clock=itertools.count(T, 0.001).__next__).open()
    yield opened
    opened.close()


async def busy(store: Store) -> None:
    """A week with 12 links and 4 learnings in #general and 6 links in #design, all voted."""
    await channel(store, "C1", "general")
    await channel(store, "C2", "design")
    people = [f"S{i}" for i in range(24)]
    for uid in ["R", "V1", "V2", *people]:
        await person(store, uid)
    for i in range(12):
        ts = await share(store, "C1", people[i], f"https://s{i}.example/", T + i, f"Link {i}")
        await vote(store, "C1", ts, "V1")
    for i in range(4):
        learned = f"learning {i}"
        await share(
            store,
            "C1",
            people[12 + i],
            f"https://l{i}.example/",
            T + 20 + i,
            learned,
            kind="learning",
        )
    for i in range(6):
        ts = await share(store, "C2", people[16 + i], f"https://d{i}.example/", T + 40 + i, f"D{i}")
        await vote(store, "C2", ts, "V2")


def items(composed: Composed) -> int:
    return sum(len(s.items) for s in composed.view.sections if s.heading != "Can you help?")


def block_texts(message: dict[str, object]) -> str:
    return str(message["blocks"])


async def test_a_busy_channel_digest_is_short_and_says_where_more_is(store: Store) -> None:
    await busy(store)
    digest = channel_digest(Composer(await load(store, "T1", MONDAY)), "C1", WEEK)
    assert digest is not None
    assert items(digest) == 5
    assert digest.view.title == "Serendip digest for #general: Week of 30 Nov"
    learnings = [s for s in digest.view.sections if s.heading == "New learnings"]
    assert len(learnings) == 1
    assert len(learnings[0].items) == 2  # links do not crowd learnings out
    message = build_digest(digest.view)
    assert check_message(message["text"], message["blocks"], None) is None
    assert (
        len(message["blocks"]) <= 10
    )  # header, 2 headings, 5 items (a block each), more, settings
    assert "W49" not in block_texts(message)
    assert MORE in block_texts(message)
    assert message["blocks"][-2]["elements"][0]["text"] == MORE


async def test_a_busy_personal_digest_puts_impact_first(store: Store) -> None:
    await busy(store)
    comp = Composer(await load(store, "T1", MONDAY))
    comp.snap.impact["R"] = (2, 3)
    digest = personal_digest(comp, "R", WEEK)
    assert digest is not None
    assert items(digest) <= 6  # 5 for you and at most one from elsewhere
    assert len(digest.view.sections[1].items) <= 1
    message = build_digest(digest.view)
    assert check_message(message["text"], message["blocks"], None) is None
    first = message["blocks"][1]["elements"][0]["text"]
    assert first.startswith("Your impact: 2 people")
    assert message["blocks"][0]["text"]["text"] == "Your Serendip digest: Week of 30 Nov"
    assert MORE in block_texts(message)


async def test_a_quiet_week_is_shorter_still(store: Store) -> None:
    await channel(store, "C1", "general")
    await person(store, "S1")
    await share(store, "C1", "S1", "https://one.example/", T, "Only one")
    digest = channel_digest(Composer(await load(store, "T1", MONDAY)), "C1", WEEK)
    assert digest is not None
    message = build_digest(digest.view)
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds == ["header", "section", "section", "context", "actions"]
    assert message["blocks"][1]["text"]["text"] == "*Top in #general*"  # a heading, not grey
    menu = message["blocks"][2]["accessory"]  # Useful and Less like this take no row
    assert [o["text"]["text"] for o in menu["options"]] == ["Useful", "Less like this"]


def test_headers_name_the_week_or_the_day() -> None:
    assert period_label(WEEK) == "Week of 30 Nov"
    day = Period(MONDAY - timedelta(days=3), MONDAY, "2026-11-30")
    assert period_label(day) == "Mon 30 Nov"


def test_forgetting_a_named_voter_keeps_the_item_and_drops_the_name() -> None:
    named = DigestItem(
        "i1",
        "Tips",
        "https://t.example/",
        "cy",
        3,
        "ana and bo found this useful, and 1 other",
        ("U3",),
        ("U1", "U2"),
    )
    view = view_from_json(view_to_json(DigestView("Week", (DigestSection("For you", (named,)),))))
    assert view_people(view) == ("U3", "U1", "U2")  # forget-me finds the digest by them
    left = without_person(view, "U1")
    assert left is not None
    left = with_fewer_votes(left, {"i1"})  # ana's vote was counted in it
    [item] = left.sections[0].items
    assert item.why == "useful to 2 people"
    assert item.votes == 2
    assert "ana" not in str(build_digest(left))
    assert without_person(view, "U3") is None  # the sharer's item goes, as before
