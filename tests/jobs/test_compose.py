"""What goes into each digest, from a real store seeded at chosen message times."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store import Store
from jobs.compose import Composed, Composer, channel_digest, personal_digest
from jobs.digests import load
from jobs.periods import Period
from tests.support.seed import DAY, MONDAY, channel, flag, person, share, vote

WEEK = Period(MONDAY - timedelta(days=7), MONDAY, "2026-W49")
T = (MONDAY - timedelta(days=2)).timestamp()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store whose clock stands in the seeded week (a millisecond on at each reading, so
    item ids keep their order): the votes it stamps count in that week, whatever the day."""
    opened = Store(tmp_path / "serendip.db", clock=itertools.count(T, 0.001).__next__).open()
    yield opened
    opened.close()


async def composer(store: Store) -> Composer:
    return Composer(await load(store, "T1", MONDAY))


async def base(store: Store) -> None:
    for cid, name in (("C1", "general"), ("C2", "design"), ("C3", "ops")):
        await channel(store, cid, name)
    await channel(store, "G1", "secret", private=True)
    for uid in ("R", "F", "S1", "S2", "S3", "S4", "X1", "X2", "X3"):
        await person(store, uid)


def titles(composed: Composed | None) -> list[str]:
    """Every item title of a digest (none for no digest)."""
    return [] if composed is None else section(composed, "")


def section(composed: Composed, heading: str) -> list[str]:
    """The item titles of the sections whose heading starts so."""
    sections = composed.view.sections
    return [i.title for s in sections if s.heading.startswith(heading) for i in s.items]


async def test_trusted_endorsements_lift_an_item(store: Store) -> None:
    await base(store)
    mine = await share(store, "C1", "R", "https://r.example/", T, "Mine")
    await vote(store, "C1", mine, "F")  # F votes for R, and R for F's shares: they work together
    f_ts = await share(store, "C1", "F", "https://f.example/", T - 3 * DAY, "By F")
    await vote(store, "C1", f_ts, "R")
    by_friend = await share(store, "C2", "S1", "https://one.example/", T, "Friend liked")
    by_stranger = await share(store, "C2", "S2", "https://two.example/", T + 1, "Stranger liked")
    await vote(store, "C2", by_friend, "F")
    await vote(store, "C2", by_stranger, "X1")
    digest = personal_digest(await composer(store), "R", WEEK)
    assert digest is not None
    assert section(digest, "For you")[:2] == ["Friend liked", "Stranger liked"]
    lines = [i.why for s in digest.view.sections for i in s.items]
    assert "f found this useful" in lines  # named: F is in R's network
    assert "F" in digest.credited  # so forgetting F takes the line that names them
    assert "Mine" not in titles(digest)
    assert "By F" not in titles(digest)


async def test_at_most_two_per_domain_and_per_sharer(store: Store) -> None:
    await base(store)
    for n in range(4):
        await share(store, "C1", f"S{n + 1}", f"https://same.example/{n}", T + n, f"Same {n}")
        await share(store, "C2", "X1", f"https://x{n}.example/", T + 10 + n, f"Busy {n}")
    digest = channel_digest(await composer(store), "C1", WEEK)
    assert digest is not None
    assert len([t for t in titles(digest) if t.startswith("Same")]) == 2
    everywhere = personal_digest(await composer(store), "R", WEEK)
    assert everywhere is not None
    assert len([t for t in titles(everywhere) if t.startswith("Busy")]) <= 2
    assert len([t for t in titles(everywhere) if t.startswith("Same")]) <= 2


async def test_flagged_dead_old_and_already_sent_items_are_left_out(store: Store) -> None:
    await base(store)
    bad = await share(store, "C1", "S1", "https://bad.example/", T, "Flagged")
    for flagger in ("X1", "X2", "X3"):
        await flag(store, "C1", bad, flagger)
    await share(store, "C1", "S2", "https://ok.example/", T + 1, "Fine")
    await share(store, "C1", "S3", "https://old.example/", T - 60 * DAY, "Imported old history")
    comp = await composer(store)
    assert titles(channel_digest(comp, "C1", WEEK)) == ["Fine"]
    assert titles(personal_digest(comp, "R", WEEK)) == ["Fine"]
    ok_id = next(i for i, f in comp.snap.items.items() if f.title == "Fine")
    comp.snap.sent["R"] = {ok_id}
    assert personal_digest(comp, "R", WEEK) is None  # nothing left: no empty digest
    assert personal_digest(comp, "R", WEEK, force=True) is not None  # --force may repeat it


async def test_private_items_stay_in_their_channels_digest(store: Store) -> None:
    await base(store)
    secret = await share(store, "G1", "S1", "https://secret.example/", T, "Secret", private=True)
    await vote(store, "G1", secret, "S2")
    await vote(store, "G1", secret, "S3")
    await share(store, "C1", "S4", "https://public.example/", T, "Public")
    comp = await composer(store)
    assert "Secret" in titles(channel_digest(comp, "G1", WEEK))
    assert "Secret" not in titles(channel_digest(comp, "C1", WEEK))
    for who in ("R", "S2", "X1"):
        assert "Secret" not in titles(personal_digest(comp, who, WEEK))
    g1 = channel_digest(comp, "G1", WEEK)
    assert g1 is not None
    votes = {i.title: i.votes for s in g1.view.sections for i in s.items}
    assert votes["Secret"] == 2


async def test_channel_sections_and_from_other_teams(store: Store) -> None:
    await base(store)
    here = await share(store, "C1", "S1", "https://here.example/", T, "Here")
    await vote(store, "C1", here, "X1")
    await share(store, "C1", "S2", "https://til/", T + 1, "learned a thing", kind="learning")
    there = await share(store, "C2", "S3", "https://there.example/", T, "From design")
    await vote(store, "C2", there, "X2")
    both = await share(store, "C2", "S4", "https://both.example/", T + 2, "Seen here too")
    await vote(store, "C2", both, "X3")
    await share(store, "C1", "S1", "https://both.example/", T + 5, "Seen here too")
    digest = channel_digest(await composer(store), "C1", WEEK)
    assert digest is not None
    assert section(digest, "Top in #general") == ["Seen here too", "Here"]  # a re-share counts
    assert section(digest, "From other teams") == ["From design"]
    assert any("learned a thing" in t for t in titles(digest))
    other = [
        i.why for s in digest.view.sections if s.heading == "From other teams" for i in s.items
    ]
    assert other == ["useful to 1 person in #design"]


async def test_serendipity_comes_from_outside_the_persons_channels(store: Store) -> None:
    await base(store)
    await share(store, "C1", "R", "https://mine.example/", T - DAY, "R shares in general")
    far = await share(store, "C3", "S1", "https://far.example/", T, "Popular in ops")
    for voter in ("X1", "X2", "X3"):
        await vote(store, "C3", far, voter)
    near = await share(store, "C1", "S2", "https://near.example/", T, "In general")
    await vote(store, "C1", near, "X1")
    digest = personal_digest(await composer(store), "R", WEEK)
    assert digest is not None
    assert section(digest, "You might not know") == ["Popular in ops"]


async def test_first_digest_line_and_impact(store: Store) -> None:
    await base(store)
    await share(store, "C1", "R", "https://mine.example/", T, "Mine")
    other = await share(store, "C2", "S1", "https://other.example/", T, "Other")
    await vote(store, "C2", other, "X1")
    comp = await composer(store)
    assert comp.snap.impact == {"S1": (1, 1)}
    comp.snap.impact["R"] = (2, 3)
    digest = personal_digest(comp, "R", WEEK)
    assert digest is not None
    assert digest.view.intro
    assert "/serendip digest off" in digest.view.intro
    assert digest.view.lead == (
        "Your impact: 2 people found what you shared useful this week (3 votes).",
    )


async def test_a_link_shared_in_two_private_channels_shows_only_its_url(store: Store) -> None:
    await base(store)
    await channel(store, "G2", "other-secret", private=True)
    await share(store, "G1", "S1", "https://both.example/", T, "Words from G1", private=True)
    await share(store, "G2", "S2", "https://both.example/", T + 1, "Words from G2", private=True)
    comp = await composer(store)
    for cid in ("G1", "G2"):
        assert titles(channel_digest(comp, cid, WEEK)) == ["https://both.example/"]
