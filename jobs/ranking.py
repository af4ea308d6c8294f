"""Ranking for digests (issue 3), as pure functions: scores, exclusions, diversity, "why this".

An item's score grows with its useful votes and with the number of different people who shared
it (a re-share is an endorsement), and halves every HALF_LIFE_DAYS of age. For a personal
digest, endorsements by people in the recipient's network of trust count more.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
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

    @cached_property
    def endorsers(self) -> frozenset[str]:
        """Voters and the people who shared it after the first."""
        return frozenset(self.voters) | frozenset(self.sharers[1:])

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
    items: Iterable[Candidate], now: float, limit: int, recipient: str | None = None,
    trust: Mapping[str, float] | None = None, already_sent: set[str] | None = None,
    less: Less = frozenset(), caps: Caps | None = None,
) -> list[Candidate]:  # fmt: skip
    """The digest's items, best first, after exclusions and diversity caps."""
    sent = already_sent or set()
    pool = [i for i in items if eligible(i, recipient, sent)]
    pool.sort(key=lambda i: (-score(i, now, trust, less), i.item_id))
    return select(pool, limit, caps)


class Pool:
    """One period's candidates, scored once, ranked for many recipients quickly.

    Without trust or "less like this" an item's score is its base score, so one global
    order serves everyone; only the items a recipient's trusted people endorsed, or whose
    domain or sharer they lowered, are rescored and merged into that order. The result is
    the same as `rank`'s, at a fraction of the cost for thousands of recipients.
    """

    def __init__(self, items: Sequence[Candidate], now: float) -> None:
        self.now = now
        self.base = {c.item_id: score(c, now) for c in items}
        self.decay = {c.item_id: decay(c, now) for c in items}
        self.endorsements = {c.item_id: len(c.voters) + max(0, len(c.sharers) - 1) for c in items}
        self._by_id = {c.item_id: c for c in items}
        self.order = sorted(items, key=lambda c: (-self.base[c.item_id], c.item_id))
        self._by_key: dict[str, list[Candidate]] = defaultdict(list)
        self._endorsed: dict[str, list[str]] = defaultdict(list)
        for c in items:
            for person in c.voters + c.sharers[1:]:  # once per endorsement, as score counts
                self._endorsed[person].append(c.item_id)
            self._by_key["sharer:" + c.first_sharer].append(c)
            if c.domain:
                self._by_key["domain:" + c.domain].append(c)

    def _special(
        self, trust: Mapping[str, float], less: Less
    ) -> tuple[dict[str, list[float]], set[str]]:
        """The trust values of the endorsements this recipient's trusted people gave, by item,
        and the items their dislikes lower."""
        trusted: dict[str, list[float]] = defaultdict(list)
        for person, value in trust.items():
            if value > 0:
                clamped = _clamp(value)
                for item_id in self._endorsed.get(person, ()):
                    trusted[item_id].append(clamped)
        lowered: set[str] = set()
        for kind, what in less:
            lowered.update(c.item_id for c in self._by_key.get(f"{kind}:{what}", ()))
        return trusted, lowered

    def _rescored(self, trust: Mapping[str, float], less: Less) -> list[tuple[float, str]]:
        """(-score, id) of every item whose score differs from its base for this recipient."""
        trusted, lowered = self._special(trust, less)
        counts, decays, fsum, bonus = self.endorsements, self.decay, math.fsum, TRUST_BONUS
        if not lowered:  # the common case, inlined: the same arithmetic as `score`
            return [(-((1.0 + counts[i] + bonus * fsum(v)) * decays[i]), i)
                    for i, v in trusted.items()]  # fmt: skip
        none: list[float] = []
        return [(-_combine(counts[i], trusted.get(i, none), decays[i],
                           _less_hits(self._by_id[i], less)), i)
                for i in lowered.union(trusted)]  # fmt: skip

    def ranked(
        self, trust: Mapping[str, float], less: Less = frozenset(),
        keep: Callable[[Candidate], bool] = lambda c: True,
    ) -> Iterator[Candidate]:  # fmt: skip
        """The kept candidates, best first for a recipient with this trust and dislikes."""
        exact = self._rescored(trust, less)
        special = {item_id for _, item_id in exact}
        heapq.heapify(exact)  # popped lazily: a digest needs only the first few
        by_id = self._by_id
        rescored = ((key, by_id[key[1]]) for key in _drain(exact))
        rest = (((-self.base[c.item_id], c.item_id), c) for c in self.order
                if c.item_id not in special)  # fmt: skip
        for _, candidate in heapq.merge(rescored, rest, key=lambda pair: pair[0]):
            if keep(candidate):
                yield candidate

    def top(
        self, limit: int, keep: Callable[[Candidate], bool], trust: Mapping[str, float],
        less: Less = frozenset(), caps: Caps | None = None,
    ) -> list[Candidate]:  # fmt: skip
        """The best `limit` candidates that `keep` accepts, within the diversity caps."""
        return select((c for c in self.ranked(trust, less, keep) if keep(c)), limit, caps)


def _drain(heap: list[tuple[float, str]]) -> Iterator[tuple[float, str]]:
    """A heap's items, smallest first, popped only as they are asked for."""
    while heap:
        yield heapq.heappop(heap)


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
