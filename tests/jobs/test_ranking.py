"""Digest ranking: endorsements, decay, trust, exclusions and diversity caps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobs.ranking import (
    Candidate,
    Pool,
    eligible,
    known_voters,
    rank,
    score,
    why_named,
    why_this,
    why_with_one_vote_fewer,
)

NOW = 1_800_000_000.0
DAY = 86400.0


def item(
    item_id: str,
    sharers: tuple[str, ...] = ("S1",),
    voters: tuple[str, ...] = (),
    age_days: float = 1.0,
    domain: str | None = None,
    flags: int = 0,
) -> Candidate:
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
        "useful to 3 people, shared by 2 people, 2 you work with"
    )
    assert why_this(item("r", ("S1", "S2"))) == "shared by 2 people"
    assert why_this(item("b", voters=("V1",))) == "useful to 1 person"
    assert why_this(item("c")) == "new this week"


def test_less_like_this_lowers_a_domain_and_a_sharer() -> None:
    a, b = item("a", ("S1",), ("V1",), domain="a.com"), item("b", ("S2",), domain="b.com")
    assert [c.item_id for c in rank([a, b], NOW, 5)] == ["a", "b"]
    for less in ({("domain", "a.com")}, {("sharer", "S1")}):
        assert [c.item_id for c in rank([a, b], NOW, 5, less=frozenset(less))] == ["b", "a"]


people = st.sampled_from(["P1", "P2", "P3", "P4", "P5", "R"])
candidates = st.lists(
    st.builds(
        lambda n, sharers, voters, age, domain: Candidate(
            f"i{n}", tuple(dict.fromkeys(sharers)), tuple(set(voters)), NOW - age * DAY, domain
        ),
        st.integers(0, 10_000),
        st.lists(people, min_size=1, max_size=3),
        st.lists(people, max_size=4),
        st.floats(0, 20),
        st.sampled_from([None, "a.com", "b.com"]),
    ),
    max_size=25,
    unique_by=lambda c: c.item_id,
)


@given(
    candidates,
    st.dictionaries(people, st.floats(0, 1), max_size=4),
    st.frozensets(st.sampled_from([("domain", "a.com"), ("sharer", "P1"), ("sharer", "P2")])),
    st.integers(1, 8),
)
def test_the_fast_pool_ranks_exactly_like_rank(
    items: list[Candidate], trust: dict[str, float], less: frozenset[tuple[str, str]], limit: int
) -> None:
    """The pool's shortcut (rescore only trusted and disliked items) changes no result."""
    expected = rank(items, NOW, limit, "R", trust, less=less)
    pool = Pool(items, NOW)
    got = pool.top(limit, lambda c: eligible(c, "R", set()), trust, less)
    assert [c.item_id for c in got] == [c.item_id for c in expected]


def test_a_learning_and_its_own_link_are_one_story() -> None:
    message = frozenset({("C1", 1.5)})
    learning = Candidate("l", ("S1",), ("V1", "V2"), NOW, None, 0, message)
    link = Candidate("k", ("S1",), ("V1", "V2"), NOW, "a.com", 0, message)
    other = Candidate("o", ("S2",), (), NOW, "b.com", 0, frozenset({("C1", 2.5)}))
    assert [c.item_id for c in rank([learning, link, other], NOW, 5)] == ["k", "o"]


def test_a_why_line_with_one_vote_fewer() -> None:
    fewer = why_with_one_vote_fewer
    assert fewer("useful to 2 people") == "useful to 1 person"
    assert fewer("useful to 4 people, shared by 2 people, 2 you work with") == (
        "useful to 3 people, shared by 2 people"
    )
    assert fewer("useful to 1 person, shared by 2 people") == "shared by 2 people"
    assert fewer("useful to 1 person, 1 you work with") == "new this week"
    assert fewer("shared by 2 people") == "shared by 2 people"
    assert fewer("new this week") == "new this week"


def test_a_why_line_names_two_endorsers_the_reader_knows() -> None:
    seen = frozenset({"V1", "V2", "V3", "V4"})
    item = Candidate("i", ("S1", "S2"), ("V1", "V2", "V3", "V4"), NOW, seen_voters=seen)
    trust = {"V3": 0.9, "V1": 0.5, "V2": 0.2, "S2": 0.9}  # S2 re-shared: not a vote to name
    assert known_voters(item, trust) == ["V3", "V1"]  # the most trusted two
    # V3 pressed Useful in their own digest: nobody saw it, so V3 is counted, never named.
    unseen = Candidate("i", ("S1",), ("V1", "V2", "V3"), NOW, seen_voters=frozenset({"V1", "V2"}))
    assert known_voters(unseen, trust) == ["V1", "V2"]
    line = why_named(item, ["Ana", "Bo"])
    assert line == "Ana and Bo found this useful, and 2 others, shared by 2 people"
    assert why_with_one_vote_fewer(line) == (
        "Ana and Bo found this useful, and 1 other, shared by 2 people"
    )
    assert why_with_one_vote_fewer("Ana found this useful, and 1 other") == "Ana found this useful"
    assert why_named(Candidate("j", ("S1",), ("V1",), NOW), ["Li, Wei"]) == (
        "Li  Wei found this useful"
    )


@given(
    candidates,
    st.dictionaries(people, st.floats(0, 1), max_size=4),
    st.sets(st.integers(0, 10_000).map(lambda n: f"i{n}")),
    st.integers(1, 8),
)
def test_part_of_the_pool_ranks_like_rank_over_that_part(
    items: list[Candidate], trust: dict[str, float], wanted: set[str], limit: int
) -> None:
    """A pool kept to some items (one period's) gives what ranking only those items gives."""
    inside = [c for c in items if c.item_id in wanted or c.item_id.endswith("7")]
    expected = rank(inside, NOW, limit, "R", trust)
    part = Pool(items, NOW).only(lambda c: c in inside)
    by_score = sorted(inside, key=lambda c: (-score(c, NOW), c.item_id))
    assert [c.item_id for c in part.order] == [c.item_id for c in by_score]
    got = part.top(limit, lambda c: eligible(c, "R", set()), trust)
    assert [c.item_id for c in got] == [c.item_id for c in expected]


@given(
    st.lists(people, max_size=6, unique=True),
    st.sets(people),
    st.dictionaries(people, st.sampled_from([0.0, 0.2, 0.5, 0.9, -1.0]), max_size=6),
)
def test_known_voters_are_the_most_trusted_seen_voters(
    voters: list[str], seen: set[str], trust: dict[str, float]
) -> None:
    item = Candidate("i", ("S1",), tuple(voters), NOW, seen_voters=frozenset(seen))
    known = [p for p in voters if trust.get(p, 0.0) > 0 and p in seen]
    assert known_voters(item, trust) == sorted(known, key=lambda p: (-trust[p], p))[:2]
