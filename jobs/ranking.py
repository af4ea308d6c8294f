"""Ranking for digests (issue 3), as pure functions: scores, exclusions, diversity, "why this".

An item's score grows with its useful votes and with the number of different people who shared
it (a re-share is an endorsement), and halves every HALF_LIFE_DAYS of age. For a personal
digest, endorsements by people in the recipient's network of trust count more.
"""

from __future__ import annotations

import copy
import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

HALF_LIFE_DAYS = 7.0
TRUST_BONUS = 1.0  # an endorsement by someone fully trusted counts twice
FLAG_LIMIT = 3
PER_DOMAIN = 2
PER_SHARER = 2
LESS_FACTOR = 0.25  # "Less like this" on a domain or a sharer divides an item's score by 4
Less = frozenset[tuple[str, str]]  # ("domain", "example.com") and ("sharer", "U123") pairs


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know about one item."""

    item_id: str
    sharers: tuple[str, ...]  # distinct, first sharer first
    voters: tuple[str, ...]  # distinct
    first_shared: float  # Unix seconds
    domain: str | None = None
    flags: int = 0
    messages: frozenset[tuple[str, float]] = frozenset()  # (channel, ts) of its shares
    seen_voters: frozenset[str] = frozenset()  # voters whose reaction the channel saw

    @cached_property
    def voter_set(self) -> frozenset[str]:
        """The voters, for quick membership tests."""
        return frozenset(self.voters)

    @cached_property
    def resharer_set(self) -> frozenset[str]:
        """The people who shared it after the first."""
        return frozenset(self.sharers[1:])

    @cached_property
    def endorsers(self) -> frozenset[str]:
        """Voters and the people who shared it after the first."""
        return self.voter_set | self.resharer_set

    @property
    def first_sharer(self) -> str:
        """The first sharer, or '' when nobody is known."""
        return self.sharers[0] if self.sharers else ""


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _combine(endorsements: int, trusted: list[float], decay: float, hits: int) -> float:
    # fsum is correctly rounded whatever the order, so a score is the same float however the
    # trusted endorsements were gathered (Pool gathers them per trusted person).
    bonus = TRUST_BONUS * math.fsum(trusted)
    return (1.0 + endorsements + bonus) * decay * LESS_FACTOR**hits


def decay(item: Candidate, now: float) -> float:
    """How much of its score an item keeps at `now`: half every HALF_LIFE_DAYS."""
    age_days = max(0.0, now - item.first_shared) / 86400
    kept: float = 0.5 ** (age_days / HALF_LIFE_DAYS)
    return kept


def score(
    item: Candidate, now: float, trust: Mapping[str, float] | None = None, less: Less = frozenset()
) -> float:
    """1 + endorsements (votes, and re-shares by other people; one by someone the recipient
    trusts counts up to 1 + TRUST_BONUS), decayed by age, lowered by "less like this"."""
    trust = trust or {}
    endorsers = item.voters + item.sharers[1:]
    trusted = [_clamp(trust[p]) for p in endorsers if trust.get(p, 0.0) > 0]
    return _combine(len(endorsers), trusted, decay(item, now), _less_hits(item, less))


def _less_hits(item: Candidate, less: Less) -> int:
    if not less:
        return 0
    return int(("domain", item.domain) in less) + int(("sharer", item.first_sharer) in less)


def eligible(item: Candidate, recipient: str | None, already_sent: set[str]) -> bool:
    """Not flagged away, not sent before, and not the recipient's own or voted item."""
    if item.flags >= FLAG_LIMIT or item.item_id in already_sent:
        return False
    return recipient is None or (recipient not in item.sharers and recipient not in item.voters)


@dataclass
class Caps:
    """Diversity across one whole digest: PER_DOMAIN per domain, PER_SHARER per sharer."""

    domains: Counter[str] = field(default_factory=Counter)
    sharers: Counter[str] = field(default_factory=Counter)
    chosen: set[str] = field(default_factory=set)
    messages: set[tuple[str, float]] = field(default_factory=set)

    def allows(self, item: Candidate) -> bool:
        """Whether the item still fits: not in the digest yet, not from a message already
        shown (a learning and its own link are one story), within the caps."""
        if item.item_id in self.chosen or self.sharers[item.first_sharer] >= PER_SHARER:
            return False
        if not self.messages.isdisjoint(item.messages):
            return False
        return not (item.domain and self.domains[item.domain] >= PER_DOMAIN)

    def take(self, item: Candidate) -> None:
        """Count a chosen item."""
        self.chosen.add(item.item_id)
        self.messages.update(item.messages)
        self.sharers[item.first_sharer] += 1
        if item.domain:
            self.domains[item.domain] += 1


def select(ranked: Iterable[Candidate], limit: int, caps: Caps | None = None) -> list[Candidate]:
    """The best items, at most PER_DOMAIN per domain and PER_SHARER per (first) sharer."""
    caps = caps if caps is not None else Caps()
    chosen: list[Candidate] = []
    if limit <= 0:
        return chosen
    for item in ranked:
        if caps.allows(item):
            caps.take(item)
            chosen.append(item)
            if len(chosen) == limit:
                break
    return chosen


def rank(
    items: Iterable[Candidate],
    now: float,
    limit: int,
    recipient: str | None = None,
    trust: Mapping[str, float] | None = None,
    already_sent: set[str] | None = None,
    less: Less = frozenset(),
    caps: Caps | None = None,
) -> list[Candidate]:
    """The digest's items, best first, after exclusions and diversity caps."""
    sent = already_sent or set()
    pool = [i for i in items if eligible(i, recipient, sent)]
    pool.sort(key=lambda i: (-score(i, now, trust, less), i.item_id))
    return select(pool, limit, caps)


class Pool:
    """One period's candidates, scored once, ranked for many recipients quickly.

    Trust can at most double an item's base score (each endorsement counts at most 1 +
    TRUST_BONUS) and "less like this" only lowers it, so walking the items by base score
    and holding each exact score on a heap, an item can be given out as soon as its score
    beats what any item further down could still reach. A digest needs a handful of items,
    so a recipient's walk is short; the order is exactly `rank`'s.
    """

    def __init__(self, items: Sequence[Candidate], now: float) -> None:
        self.now = now
        self.base = {c.item_id: score(c, now) for c in items}
        self.decay = {c.item_id: decay(c, now) for c in items}
        self.endorsements = {c.item_id: len(c.voters) + max(0, len(c.sharers) - 1) for c in items}
        self._by_id = {c.item_id: c for c in items}
        self.order = sorted(items, key=lambda c: (-self.base[c.item_id], c.item_id))

    def only(self, wanted: Callable[[Candidate], bool]) -> Pool:
        """The same pool (same scores, same order) holding only the candidates `wanted`
        accepts: a walk that would skip the others anyway is shorter."""
        part = copy.copy(self)
        part.order = [c for c in self.order if wanted(c)]
        return part

    def _exact(self, c: Candidate, trusted: dict[str, float], less: Less) -> float:
        """The item's score for this recipient: `score`'s arithmetic, found faster by asking
        only the (few) trusted people whether they endorsed it."""
        # The trusted endorsers, found by a set intersection (their sum is order-free).
        values = [
            trusted[p]
            for p in c.endorsers.intersection(trusted)
            for _ in range((p in c.voter_set) + (p in c.resharer_set))
        ]
        if not values and not less:
            return self.base[c.item_id]
        i = c.item_id
        return _combine(self.endorsements[i], values, self.decay[i], _less_hits(c, less))

    def ranked(
        self,
        trust: Mapping[str, float],
        less: Less = frozenset(),
        keep: Callable[[Candidate], bool] = lambda c: True,
    ) -> Iterator[Candidate]:
        """The kept candidates, best first for a recipient with this trust and dislikes."""
        trusted = {p: _clamp(t) for p, t in trust.items() if t > 0}
        reach = (1.0 + TRUST_BONUS) * (1.0 + 1e-9)  # what trust can make of a base score
        heap: list[tuple[float, str]] = []
        for c in self.order:
            ceiling = reach * self.base[c.item_id]
            while heap and -heap[0][0] > ceiling:
                yield self._by_id[heapq.heappop(heap)[1]]
            if keep(c):
                heapq.heappush(heap, (-self._exact(c, trusted, less), c.item_id))
        while heap:
            yield self._by_id[heapq.heappop(heap)[1]]

    def top(
        self,
        limit: int,
        keep: Callable[[Candidate], bool],
        trust: Mapping[str, float],
        less: Less = frozenset(),
        caps: Caps | None = None,
    ) -> list[Candidate]:
        """The best `limit` candidates that `keep` accepts, within the diversity caps."""
        return select(self.ranked(trust, less, keep), limit, caps)


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def why_this(item: Candidate, trust: Mapping[str, float] | None = None) -> str:
    """One line saying why an item is here, e.g. "useful to 4 people, 2 you work with"."""
    parts = []
    if item.voters:
        parts.append(f"useful to {_people(len(item.voters))}")
    if len(item.sharers) > 1:
        parts.append(f"shared by {_people(len(item.sharers))}")
    if not parts:
        return "new this week"
    endorsers = item.endorsers
    close = sum(1 for p, t in (trust or {}).items() if t > 0 and p in endorsers)
    return ", ".join(parts + ([f"{close} you work with"] if close else []))


def known_voters(item: Candidate, trust: Mapping[str, float], limit: int = 2) -> list[str]:
    """Up to `limit` of the item's voters in the reader's network, most trusted first (the
    candidate's voters: public ones only in a personal digest), and only those whose useful
    reaction was seen in the channel: a Useful press in a person's own digest names nobody."""
    # A set intersection finds them (the order comes from the sort).
    seen = item.seen_voters.intersection(trust)
    known = [p for p in seen if p in item.voter_set and trust.get(p, 0.0) > 0]
    return sorted(known, key=lambda p: (-trust[p], p))[:limit]


def why_named(item: Candidate, names: Sequence[str]) -> str:
    """A why line naming the known voters: "Ana and Bo found this useful, and 2 others"."""
    shown = [n.replace(",", " ") for n in names]  # a comma would split the line's parts
    parts = [f"{' and '.join(shown)} found this useful"]
    others = len(item.voters) - len(shown)
    if others > 0:
        parts.append(f"and {others} other{'s' if others > 1 else ''}")
    if len(item.sharers) > 1:
        parts.append(f"shared by {_people(len(item.sharers))}")
    return ", ".join(parts)


def why_with_one_vote_fewer(why: str) -> str:
    """A `why_this` line once one voter is forgotten: "useful to" counts one fewer, and the
    "you work with" part, which may have counted them, is left out. In a `why_named` line the
    forgotten voter is one of the others (a named one takes the whole item with them)."""
    parts = why.split(", ")
    if parts[0].endswith(" found this useful"):
        return _one_other_fewer(parts)
    if not parts[0].startswith("useful to "):
        return why
    votes = int(parts[0].split()[2]) - 1
    kept = [f"useful to {_people(votes)}"] if votes > 0 else []
    kept += [p for p in parts[1:] if not p.endswith(" you work with")]
    return ", ".join(kept) or "new this week"


def why_counted(why: str, votes: int) -> str:
    """A `why_named` line without its names: "useful to 4 people, shared by 2 people"."""
    parts = why.split(", ")
    if not parts[0].endswith(" found this useful"):
        return why
    kept = [p for p in parts[1:] if not p.startswith("and ")]
    return ", ".join([f"useful to {_people(votes)}", *kept])


def _one_other_fewer(parts: list[str]) -> str:
    if len(parts) < 2 or not parts[1].startswith("and "):
        return ", ".join(parts)
    others = int(parts[1].split()[1]) - 1
    rest = [f"and {others} other{'s' if others > 1 else ''}"] if others > 0 else []
    return ", ".join([parts[0], *rest, *parts[2:]])
