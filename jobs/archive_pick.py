"""The "From the archive" item of a personal digest (issue 15), as pure functions.

One item 3 to 12 months old and well voted (the store reads the candidates once per run, see
bot/store/sql/archive.py), on a topic the person engaged with in the last four weeks (shared
or voted on), never sent to them before, never flagged, not theirs (shared or voted on by
them), and not from a site or colleague they asked to see less of. The most voted wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from bot.digest_models import DigestSnapshot, ItemFacts
from jobs.periods import Period
from jobs.ranking import Candidate, why_this

# (place in the most-voted order, the item, everyone who shared or voted on it)
Ranked = tuple[int, Candidate, frozenset[str]]


class ArchivePicker:
    """The archive candidates of one snapshot, indexed by topic once for every person."""

    def __init__(
        self, snap: DigestSnapshot, to_candidate: Callable[[ItemFacts], Candidate | None]
    ) -> None:
        self.snap = snap
        found = [(to_candidate(f), f) for f in snap.archive.values() if f.is_public]
        ranked = sorted(
            ((c, f) for c, f in found if c is not None and f.flags == 0),
            key=lambda cf: (-len(cf[0].voters), cf[0].item_id),
        )
        self.by_topic: dict[str, list[Ranked]] = defaultdict(list)
        for place, (c, facts) in enumerate(ranked):
            involved = frozenset(c.sharers) | facts.all_voters()
            for topic in dict.fromkeys(facts.topics):
                self.by_topic[topic].append((place, c, involved))

    def pick(self, person: str, taken: set[str]) -> Candidate | None:
        """The person's archive item, or None (`taken`: the items already in their digest)."""
        best: Ranked | None = None
        sent = self.snap.archive_sent.get(person, set())
        less = self.snap.less_like.get(person, set())
        for topic in self.snap.person_topics.get(person, ()):
            for ranked in self.by_topic.get(topic, ()):
                if best is not None and ranked[0] >= best[0]:
                    break  # what follows is voted less than what was found
                _, c, involved = ranked
                if c.item_id in taken or c.item_id in sent or person in involved:
                    continue
                if ("domain", c.domain or "") in less or ("sharer", c.first_sharer) in less:
                    continue
                best = ranked
                break
        return best[1] if best else None


def archive_why(c: Candidate, facts: ItemFacts, period: Period) -> str:
    """The why line of an archive item, with its age: "useful to 5 people, from March" (and
    the year when it is not this year's)."""
    # The month everyone could see it: a private share first (in a channel this reader may not
    # be in) says nothing to them.
    public = [s.at for s in facts.shares if not s.is_private]
    first = public[0] if public else c.first_shared
    shared = datetime.fromtimestamp(first, period.end.tzinfo)
    month = f"{shared:%B}" if shared.year == period.end.year else f"{shared:%B} {shared.year}"
    return f"{why_this(c)}, from {month}"
