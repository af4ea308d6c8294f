"""Personal digests with the network of trust from everyday work (issue 14)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.digest_models import HelpWanted
from bot.network import monday_of
from bot.store import Store
from bot.store.sql.interactions import Interaction, add_interactions
from jobs.compose import Composed, Composer, personal_digest
from jobs.digests import load
from jobs.periods import Period
from tests.support.rawdb import raw
from tests.support.seed import DAY, MONDAY, channel, person, share, vote

WEEK = Period(MONDAY - timedelta(days=7), MONDAY, "2026-W49")
T = (MONDAY - timedelta(days=2)).timestamp()
GRAPH_WEEK = monday_of(T).isoformat()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store whose clock stands in the seeded week."""
    opened = Store(tmp_path / "serendip.db", clock=itertools.count(T, 0.001).__next__).open()
    yield opened
    opened.close()


async def base(store: Store) -> None:
    for cid, name in (("C1", "general"), ("C2", "design"), ("C3", "ops")):
        await channel(store, cid, name)
    await channel(store, "G1", "secret", private=True)
    for uid in ("R", "F", "G", "S1", "S2", "X1", "X2", "X3"):
        await person(store, uid)
    await share(store, "C1", "R", "https://mine.example/", T - DAY, "R shares in general")


def work_with(store: Store, *colleagues: str, scope: str = "") -> None:
    """R reacts to, and replies to, each colleague this week."""
    counts = [Interaction(GRAPH_WEEK, scope, "R", c, "reaction", 2) for c in colleagues]
    raw(store, add_interactions, "T1", counts)


def section(composed: Composed | None, heading: str) -> list[str]:
    assert composed is not None
    found = composed.view.sections
    return [i.title for s in found if s.heading.startswith(heading) for i in s.items]


async def digest(store: Store) -> Composed | None:
    return personal_digest(Composer(await load(store, "T1", MONDAY)), "R", WEEK)


async def equal_votes(store: Store) -> None:
    """Two items in #design with one vote each: by F, and (newer) by the stranger X1."""
    by_f = await share(store, "C2", "S1", "https://one.example/", T, "F liked")
    by_stranger = await share(store, "C2", "S2", "https://two.example/", T + 1, "Stranger liked")
    await vote(store, "C2", by_f, "F")
    await vote(store, "C2", by_stranger, "X1")


async def test_with_equal_votes_the_networks_endorsement_ranks_first(store: Store) -> None:
    await base(store)
    await equal_votes(store)
    assert section(await digest(store), "For you")[:2] == ["Stranger liked", "F liked"]
    work_with(store, "F")
    composed = await digest(store)
    assert section(composed, "For you")[:2] == ["F liked", "Stranger liked"]
    assert composed is not None
    whys = [i.why for s in composed.view.sections for i in s.items if i.title == "F liked"]
    assert whys == ["f found this useful"]


async def test_a_private_channels_ties_move_no_personal_digest(store: Store) -> None:
    await base(store)
    await equal_votes(store)
    work_with(store, "F", scope="G1")
    assert section(await digest(store), "For you")[:2] == ["Stranger liked", "F liked"]


async def test_serendipity_is_outside_the_persons_network(store: Store) -> None:
    await base(store)
    work_with(store, "F", "G")
    by_network = await share(store, "C3", "S1", "https://net.example/", T, "Network liked")
    by_strangers = await share(store, "C3", "S2", "https://far.example/", T - 1, "Strangers liked")
    for voter in ("F", "G"):
        await vote(store, "C3", by_network, voter)
    for voter in ("X1", "X2"):
        await vote(store, "C3", by_strangers, voter)
    composed = await digest(store)
    assert section(composed, "You might not know") == ["Strangers liked"]
    assert section(composed, "For you")[0] == "Network liked"  # it reaches R all the same


async def test_can_you_help_shows_questions_of_people_near_first(store: Store) -> None:
    await base(store)
    await share(store, "C2", "S1", "https://one.example/", T, "Something")
    work_with(store, "F")
    snap = await load(store, "T1", MONDAY)
    asked = HelpWanted("q1", "far newest?", None, "C1", T + 3, "X1")
    near = HelpWanted("q2", "near?", None, "C1", T + 2, "F")
    anon = HelpWanted("q3", "anon near?", None, "C1", T + 1, "F", anon=True)
    snap.help_wanted = {"R": [asked, anon, near]}
    composed = personal_digest(Composer(snap), "R", WEEK)
    assert section(composed, "Can you help?") == ["near?", "far newest?"]
    snap.help_wanted = {"R": [asked, anon, replace(near, asker="X2")]}
    composed = personal_digest(Composer(snap), "R", WEEK)
    assert section(composed, "Can you help?") == ["far newest?", "anon near?"]
