"""Ranking for digests (issue 3), as pure functions: scores, exclusions, diversity, "why this".

An item's score grows with its useful votes and with the number of different people who shared
it (a re-share is an endorsement), and halves every HALF_LIFE_DAYS of age. For a personal
digest, endorsements by people in the recipient's network of trust count more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HALF_LIFE_DAYS = 7.0
TRUST_BONUS = 1.0  # an endorsement by someone fully trusted counts twice
FLAG_LIMIT = 3
PER_DOMAIN = 2
PER_SHARER = 2


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know about one item."""

    item_id: str
    sharers: tuple[str, ...]  # distinct, first sharer first
    voters: tuple[str, ...]  # distinct
    first_shared: float  # Unix seconds
    domain: str | None = None
    flags: int = 0


def weight(person: str, trust: Mapping[str, float]) -> float:
    """How much one person's endorsement counts for this recipient (trust is 0..1)."""
    return 1.0 + TRUST_BONUS * min(1.0, max(0.0, trust.get(person, 0.0)))


def score(item: Candidate, now: float, trust: Mapping[str, float] | None = None) -> float:
    """Endorsements (votes, and re-shares by other people), decayed by age."""
    trust = trust or {}
    endorsements = sum(weight(p, trust) for p in item.voters)
    endorsements += sum(weight(p, trust) for p in item.sharers[1:])
    age_days = max(0.0, now - item.first_shared) / 86400
    decay: float = 0.5 ** (age_days / HALF_LIFE_DAYS)
    return (1.0 + endorsements) * decay


def eligible(item: Candidate, recipient: str | None, already_sent: set[str]) -> bool:
    """Not flagged away, not sent before, and not the recipient's own or voted item."""
    if item.flags >= FLAG_LIMIT or item.item_id in already_sent:
        return False
    return recipient is None or (recipient not in item.sharers and recipient not in item.voters)


def select(ranked: Iterable[Candidate], limit: int) -> list[Candidate]:
    """The best items, at most PER_DOMAIN per domain and PER_SHARER per (first) sharer."""
    domains: Counter[str] = Counter()
    sharers: Counter[str] = Counter()
    chosen: list[Candidate] = []
    for item in ranked:
        sharer = item.sharers[0] if item.sharers else ""
        if (item.domain and domains[item.domain] >= PER_DOMAIN) or sharers[sharer] >= PER_SHARER:
            continue
        chosen.append(item)
        if item.domain:
            domains[item.domain] += 1
        sharers[sharer] += 1
        if len(chosen) == limit:
            break
    return chosen


def rank(
    items: Iterable[Candidate], now: float, limit: int, recipient: str | None = None,
    trust: Mapping[str, float] | None = None, already_sent: set[str] | None = None,
) -> list[Candidate]:  # fmt: skip
    """The digest's items, best first, after exclusions and diversity caps."""
    sent = already_sent or set()
    pool = [i for i in items if eligible(i, recipient, sent)]
    pool.sort(key=lambda i: (-score(i, now, trust), i.item_id))
    return select(pool, limit)


def why_this(item: Candidate, trust: Mapping[str, float] | None = None) -> str:
    """One line saying why an item is here, e.g. "useful to 4 people, 2 you work with"."""
    endorsers = set(item.voters) | set(item.sharers[1:])
    close = sum(1 for p in endorsers if (trust or {}).get(p, 0.0) > 0)
    if not endorsers:
        return "new this week"
    people = "person" if len(endorsers) == 1 else "people"
    line = f"useful to {len(endorsers)} {people}"
    return f"{line}, {close} you work with" if close else line
