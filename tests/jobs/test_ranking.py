"""Digest ranking: endorsements, decay, trust, exclusions and diversity caps."""

from __future__ import annotations

from jobs.ranking import Candidate, rank, score, why_this

NOW = 1_800_000_000.0
DAY = 86400.0


def item(
    item_id: str, sharers: tuple[str, ...] = ("S1",), voters: tuple[str, ...] = (),
    age_days: float = 1.0, domain: str | None = None, flags: int = 0,
) -> Candidate:  # fmt: skip
    return Candidate(item_id, sharers, voters, NOW - age_days * DAY, domain, flags)


def test_votes_and_reshares_raise_age_lowers() -> None:
    plain, voted, reshared = item("a"), item("b", voters=("V1", "V2")), item("c", ("S1", "S2"))
    assert score(voted, NOW) > score(reshared, NOW) > score(plain, NOW)
    assert score(item("old", voters=("V1",), age_days=14), NOW) < score(item("new"), NOW) * 2
    assert abs(score(item("w", age_days=8), NOW) * 2 - score(item("w", age_days=1), NOW)) < 1e-9


def test_trusted_endorsements_count_more() -> None:
    by_friend, by_stranger = item("a", voters=("F1",)), item("b", voters=("X1",))
    trust = {"F1": 1.0}
    assert [c.item_id for c in rank([by_stranger, by_friend], NOW, 5, "R", trust)] == ["a", "b"]
    assert score(by_friend, NOW, trust) > score(by_stranger, NOW, trust)


def test_exclusions() -> None:
    items = [
        item("own", sharers=("R",)),
        item("voted", ("S2",), voters=("R",)),
        item("sent", ("S3",)),
        item("flagged", ("S4",), flags=3),
        item("ok", ("S5",), flags=2),
    ]
    chosen = rank(items, NOW, 10, recipient="R", already_sent={"sent"})
    assert [c.item_id for c in chosen] == ["ok"]
    assert {c.item_id for c in rank(items, NOW, 10)} == {"own", "voted", "sent", "ok"}


def test_at_most_two_per_domain_and_per_sharer() -> None:
    items = [item(f"d{i}", sharers=(f"S{i}",), domain="a.com", voters=("V",)) for i in range(4)]
    items += [item(f"s{i}", sharers=("BUSY",), domain=f"x{i}.com") for i in range(4)]
    chosen = [c.item_id for c in rank(items, NOW, 10)]
    assert sum(c.startswith("d") for c in chosen) == 2
    assert sum(c.startswith("s") for c in chosen) == 2


def test_why_this() -> None:
    assert why_this(item("a", ("S1", "S2"), ("V1", "V2", "V3")), {"V1": 1.0, "S2": 0.5}) == (
        "useful to 4 people, 2 you work with")  # fmt: skip
    assert why_this(item("b", voters=("V1",))) == "useful to 1 person"
    assert why_this(item("c")) == "new this week"
