"""What goes into each digest, as pure functions of a snapshot (issue 3).

A channel digest: the period's top items of that channel, new learnings, and "from other
teams". A personal digest: "for you" (weighted by the person's network of trust, bot/network.py),
"you might not know you need this" (highly endorsed, from outside their channels, topics and
network), "can you help?" (questions they may answer, those of people near them first) and
"your impact", and perhaps one item "from the archive" (jobs/archive_pick.py). Private items
appear only in their own channel's digest.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

from bot.digest_models import DigestSnapshot, HelpWanted, ItemFacts
from bot.network import Network, steps, trust_of
from bot.slacktext import message_link, readable
from jobs.archive_pick import ArchivePicker, archive_why
from jobs.digest_blocks import DigestItem, DigestSection, DigestView, view_people
from jobs.periods import Period, period_label
from jobs.ranking import (
    FLAG_LIMIT,
    Candidate,
    Caps,
    Less,
    Pool,
    known_voters,
    rank,
    why_named,
    why_this,
)

CHANNEL_ITEMS = 5  # links, learnings and other teams' items of a channel digest, all told
CHANNEL_LEARNINGS = 2  # the learnings kept when links alone would fill the digest
OTHER_TEAMS = 2
Marks = frozenset[str]  # an item's channels and #topics
FOR_YOU = 5
SERENDIPITY = 1
MORE = "More in Serendip's Home tab."
HELP_WANTED = 2  # open questions in a "Can you help?" section
SERENDIPITY_MIN_ENDORSERS = 2
SERENDIPITY_SCAN = 150  # how far down the order to look for something from elsewhere
FIRST_DIGEST = (
    "You get this digest because you were active in channels Serendip is in during the last"
    " 4 weeks. `/serendip digest off` (or Home) stops it; `/serendip digest daily` makes it daily."
)
TIRED_LINE = (
    "You haven't used your last four digests, so we'll send this monthly from now on."
    " Pressing any button in a digest makes it weekly again."
)
FIRST_ASKED = (
    "You get this digest because you asked for it."
    " `/serendip digest off` (or Home) stops it; `/serendip digest daily` makes it daily."
)


@dataclass(frozen=True)
class Composed:
    """A digest ready to render: what it shows and which items it sends."""

    view: DigestView
    item_ids: tuple[str, ...]
    credited: tuple[str, ...] = ()  # whom it names or quotes (forget-me re-renders the post)
    to_monthly: bool = False  # it tells its reader they move to monthly (digest fatigue)


def candidate(facts: ItemFacts, private_channel: str | None = None) -> Candidate:
    """The ranking view of an item: its public face, plus one private channel's part."""
    shares = [s for s in facts.shares if not s.is_private or s.channel == private_channel]
    sharers = tuple(dict.fromkeys(s.user for s in shares if s.user))
    voters = list(facts.public_voters)
    voters += [v for v, ch in facts.private_votes if private_channel and ch == private_channel]
    first = shares[0].at if shares else 0.0
    messages = frozenset((s.channel, s.at) for s in shares)
    return Candidate(
        facts.item_id,
        sharers,
        tuple(dict.fromkeys(voters)),
        first,
        facts.domain,
        facts.flags,
        messages,
        facts.seen_voters,
    )


def _in(facts: ItemFacts, period: Period, channel: str) -> bool:
    """Whether the item was shared in `channel` within the period."""
    start, end = period.start.timestamp(), period.end.timestamp()
    return any(s.channel == channel and start <= s.at < end for s in facts.shares)


def _showable(facts: ItemFacts) -> bool:
    return not facts.dead and facts.flags < FLAG_LIMIT


class Composer:
    """Composes the digests of one snapshot; indexes and pools are built once and reused."""

    def __init__(self, snap: DigestSnapshot) -> None:
        self.snap = snap
        self._periods: dict[tuple[float, float], tuple[Pool, list[Candidate]]] = {}

    @cached_property
    def involved(self) -> dict[str, set[str]]:
        """Everyone who shared or voted on each item, publicly or not."""
        return {
            i: {s.user for s in f.shares if s.user} | f.all_voters()
            for i, f in self.snap.items.items()
        }

    @cached_property
    def pool(self) -> Pool:
        """Every public candidate of the snapshot, scored once.

        One pool serves every period: moving the moment of scoring multiplies all scores by
        the same factor, so the order is the same; `shared_between` picks a period's members.
        """
        items = [candidate(f) for f in self.snap.items.values() if f.is_public and _showable(f)]
        return Pool(items, self.snap.until)

    @cached_property
    def well_endorsed(self) -> list[tuple[Candidate, Marks]]:
        """The pool's order, only items endorsed by enough people for serendipity, each with
        the channels and topics it belongs to."""
        found = []
        for c in self.pool.order:
            if len(c.endorsers) >= SERENDIPITY_MIN_ENDORSERS:
                facts = self.snap.items[c.item_id]
                marks = frozenset(s.channel for s in facts.shares) | {f"#{t}" for t in facts.topics}
                found.append((c, marks))
        return found

    @cached_property
    def public_times(self) -> dict[str, list[float]]:
        """The times of each item's public shares, sorted."""
        return {
            i: sorted(s.at for s in f.shares if not s.is_private)
            for i, f in self.snap.items.items()
        }

    def in_period(self, start: float, end: float) -> tuple[Pool, list[Candidate]]:
        """The pool and the well endorsed, only what was shared publicly in [start, end):
        made once per period (recipients in one time zone share it), so that a recipient's
        walk does not step over the rest of the window."""
        if (start, end) not in self._periods:
            where, times = self._public_shares
            inside = np.unique(where[(times >= start) & (times < end)]).tolist()
            ids = {self.pool.order[n].item_id for n in inside}
            pool = self.pool.only(lambda c: c.item_id in ids)
            endorsed = [c for c in pool.order if c.item_id in self.marks]
            self._periods[(start, end)] = (pool, endorsed)
        return self._periods[(start, end)]

    @cached_property
    def _public_shares(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """(place in the pool's order, time) of each public share of the pool's items: which
        items a period holds is then one comparison of arrays, not a search per item."""
        where = [n for n, c in enumerate(self.pool.order) for _ in self.public_times[c.item_id]]
        times = [t for c in self.pool.order for t in self.public_times[c.item_id]]
        return np.array(where, dtype=np.int64), np.array(times, dtype=np.float64)

    @cached_property
    def marks(self) -> dict[str, Marks]:
        """The channels and topics of each well-endorsed item."""
        return {c.item_id: marks for c, marks in self.well_endorsed}

    def shared_between(self, item_id: str, start: float, end: float) -> bool:
        """Whether an item was shared publicly in [start, end)."""
        times = self.public_times[item_id]
        at = bisect_left(times, start)
        return at < len(times) and times[at] < end

    def network(self, person: str) -> Network:
        """The person's network of trust: their strongest ties from everyday work."""
        return self.snap.networks.get(person, {})

    def trust(self, person: str) -> dict[str, float]:
        """How much `person` trusts each colleague of their network, 0..1."""
        return trust_of(self.network(person))

    @cached_property
    def by_channel(self) -> dict[str, list[ItemFacts]]:
        """The showable items shared in each channel (any time in the window)."""
        found: dict[str, list[ItemFacts]] = defaultdict(list)
        for facts in self.snap.items.values():
            if _showable(facts):
                for channel in dict.fromkeys(s.channel for s in facts.shares):
                    found[channel].append(facts)
        return found

    @cached_property
    def archive(self) -> ArchivePicker:
        """The archive candidates, indexed once for every person."""
        return ArchivePicker(self.snap, lambda f: candidate(f) if _showable(f) else None)

    def for_reader(self, c: Candidate, trust: dict[str, float]) -> DigestItem:
        """An item of a personal digest, its why line naming up to two voters the reader works
        with (whom forget-me then finds in it)."""
        known = [p for p in known_voters(c, trust) if p in self.snap.names]
        if not known:
            return self.item(c, why_this(c, trust))
        item = self.item(c, why_named(c, [self.snap.names[p] for p in known]))
        return replace(item, named=tuple(known))

    def item(self, c: Candidate, why: str) -> DigestItem:
        """How a digest shows one candidate (the sharer by name: no mention, no ping)."""
        facts = self.snap.items.get(c.item_id) or self.snap.archive[c.item_id]
        title = facts.title or facts.text or facts.url or "(untitled)"
        if not facts.is_public and len({s.channel for s in facts.shares}) > 1:
            # Its face may come from another private channel: show only the link itself.
            title = facts.url or "(a link)"
        sharer = self.snap.names.get(c.first_sharer, "a colleague") if c.first_sharer else None
        people = (c.first_sharer,) if c.first_sharer else ()
        item = DigestItem(c.item_id, title, facts.url, sharer, len(c.voters), why, people)
        return self.with_message(item, facts, c)

    def with_message(self, item: DigestItem, facts: ItemFacts, c: Candidate) -> DigestItem:
        """A learning linked to its message, a question to its thread with its best answer:
        only a message the candidate's readers may see (its public shares, or the private
        channel whose digest this is), built from the workspace's address, no call per item."""
        if facts.kind not in ("learning", "question"):
            return item
        seen = [s for s in facts.shares if (s.channel, s.at) in c.messages]
        link = next(
            (
                found
                for s in seen
                if (found := message_link(self.snap.workspace_url, s.channel, s.ts, s.thread_ts))
            ),
            None,
        )
        answer = facts.answer
        if answer is None:
            return replace(item, kind=facts.kind, link=link)
        link = link or (answer.permalink if seen else None)
        answerer = self.snap.names.get(answer.user, "a colleague")
        people = tuple(dict.fromkeys((*item.people, answer.user)))  # forget-me finds them too
        return replace(
            item,
            kind=facts.kind,
            link=link,
            answer=answer.text,
            answerer=answerer,
            people=people,
        )


def _composed(view: DigestView, chosen: list[Candidate]) -> Composed:
    return Composed(view, tuple(c.item_id for c in chosen), view_people(view))


def channel_digest(
    comp: Composer, channel_id: str, period: Period, force: bool = False
) -> Composed | None:
    """A channel's digest for a period, or None when it would be empty."""
    snap = comp.snap
    info = snap.channels.get(channel_id)
    if info is None:
        return None
    sent = set() if force else snap.sent.get(channel_id, set())
    private = channel_id if info.is_private else None
    local = [
        candidate(f, private)
        for f in comp.by_channel.get(channel_id, ())
        if _in(f, period, channel_id)
    ]
    now, caps = period.end.timestamp(), Caps()
    learnings = [c for c in local if snap.items[c.item_id].kind == "learning"]
    links = [c for c in local if snap.items[c.item_id].kind != "learning"]
    top = rank(links, now, CHANNEL_ITEMS, already_sent=sent, caps=caps)
    learned = rank(learnings, now, CHANNEL_ITEMS, already_sent=sent, caps=caps)
    # At most CHANNEL_ITEMS in all: links first, but a few learnings keep their place.
    learned = learned[: max(CHANNEL_LEARNINGS, CHANNEL_ITEMS - len(top))]
    top = top[: CHANNEL_ITEMS - len(learned)]
    start = period.start.timestamp()
    others = comp.pool.top(  # public, endorsed, shared in the period and never in this channel
        min(OTHER_TEAMS, CHANNEL_ITEMS - len(top) - len(learned)),
        lambda c: (
            c.item_id not in sent
            and bool(c.endorsers)
            and comp.shared_between(c.item_id, start, now)
            and all(s.channel != channel_id for s in snap.items[c.item_id].shares)
        ),
        {},
        caps=caps,
    )
    name = f"#{info.name}" if info.name else "this channel"
    sections = (
        DigestSection(f"Top in {name}", tuple(comp.item(c, why_this(c)) for c in top)),
        DigestSection("New learnings", tuple(comp.item(c, why_this(c)) for c in learned)),
        DigestSection("From other teams", tuple(comp.item(c, _elsewhere(comp, c)) for c in others)),
    )
    if not top and not learned:
        return None  # nothing captured here in the period: no digest of other teams' items
    title = f"Serendip digest for {name}: {period_label(period)}"
    view = DigestView(title, sections, footer=(MORE,))
    return _composed(view, [*top, *learned, *others])


def _elsewhere(comp: Composer, c: Candidate) -> str:
    channels = {s.channel for s in comp.snap.items[c.item_id].shares if not s.is_private}
    names = sorted(
        f"#{comp.snap.channel_names[ch]}" for ch in channels if ch in comp.snap.channel_names
    )
    where = f" in {', '.join(names[:2])}" if names else " elsewhere"
    return f"{why_this(c)}{where}"


def personal_digest(
    comp: Composer, person: str, period: Period, force: bool = False, tired: bool = False
) -> Composed | None:
    """A person's digest for a period, or None when it would be empty; a `tired` one says in
    one line that they move to monthly (digest fatigue), with a button to keep it weekly."""
    snap = comp.snap
    recipient = snap.people.get(person)
    sent = set() if force else snap.sent.get(person, set())
    trust = comp.trust(person)
    less: Less = frozenset(snap.less_like.get(person, set()))
    caps = Caps()
    start, end = period.start.timestamp(), period.end.timestamp()
    pool, endorsed = comp.in_period(start, end)

    def keep(c: Candidate) -> bool:  # the period's pool holds only what it shared
        return c.item_id not in sent and person not in comp.involved[c.item_id]

    # Serendipity first: the best item from elsewhere belongs in its own section, not lost in
    # "for you", where it would crowd out what the person's network endorsed.
    surprise = _serendipity(comp, person, keep, caps, endorsed)
    for_you = pool.top(FOR_YOU, keep, trust, less, caps)
    sections: tuple[DigestSection, ...] = (
        DigestSection("For you", tuple(comp.for_reader(c, trust) for c in for_you)),
        DigestSection(
            "You might not know you need this",
            tuple(comp.item(c, _elsewhere(comp, c)) for c in surprise),
        ),
    )
    if not for_you and not surprise:
        return None
    old = comp.archive.pick(person, {c.item_id for c in (*for_you, *surprise)})
    if old is not None:
        item = comp.item(old, archive_why(old, comp.snap.archive[old.item_id], period))
        sections += (DigestSection("From the archive", (item,)),)
    sections += _help_wanted(comp, person, start, end)
    lead = tuple(x for x in (_impact_line(comp, person),) if x)  # their impact comes first
    intro = None if recipient is not None and recipient.had_digest else FIRST_DIGEST
    intro = FIRST_ASKED if intro and recipient is not None and recipient.asked else intro
    title = f"Your Serendip digest: {period_label(period)}"
    view = DigestView(title, sections, intro, (MORE,), lead, TIRED_LINE if tired else None)
    return replace(
        _composed(view, [*surprise, *for_you, *([old] if old else [])]), to_monthly=tired
    )


def _help_wanted(
    comp: Composer, person: str, start: float, end: float
) -> tuple[DigestSection, ...]:
    """Open questions of the period that the person may be able to answer, with no reply yet
    (each belongs to one period, so it is never shown twice)."""
    shown = [
        DigestItem(
            h.question_id,
            readable(h.text),
            h.permalink,
            None,
            0,
            f"Asked in #{comp.snap.channel_names.get(h.channel, 'a channel')}, "
            "no reply yet: you shared or found useful things about this",
            (h.asker,) if h.asker else (),
        )
        for h in _near_first(comp, person, comp.snap.help_wanted.get(person, []))
        if start <= h.posted_at < end
    ][:HELP_WANTED]
    return (DigestSection("Can you help?", tuple(shown), buttons=False),) if shown else ()


def _near_first(comp: Composer, person: str, wanted: list[HelpWanted]) -> list[HelpWanted]:
    """The questions of people one or two steps from the person first (newest first within
    each); an anonymous question never by its asker's ties."""

    def far(h: HelpWanted) -> bool:
        return h.anon or not h.asker or steps(person, h.asker, comp.network) is None

    return sorted(wanted, key=far)


def _serendipity(
    comp: Composer,
    person: str,
    keep: Callable[[Candidate], bool],
    caps: Caps,
    endorsed: list[Candidate],
) -> list[Candidate]:
    """Highly endorsed items from outside the person's usual channels, topics and network
    (what their network shared or endorsed is theirs to see in "for you")."""
    network = comp.network(person).keys()
    usual = comp.snap.person_channels.get(person, set())
    usual = usual | {f"#{t}" for t in comp.snap.person_topics.get(person, ())}
    found: list[Candidate] = []
    looked = 0
    for c in endorsed:
        if not keep(c):
            continue
        looked += 1
        if looked > SERENDIPITY_SCAN:
            break
        if not usual.isdisjoint(comp.marks[c.item_id]) or not caps.allows(c):
            continue
        if not network.isdisjoint(c.sharers) or not network.isdisjoint(c.endorsers):
            continue
        caps.take(c)
        found.append(c)
        if len(found) == SERENDIPITY:
            break
    return found


def _impact_line(comp: Composer, person: str) -> str | None:
    people, votes = comp.snap.impact.get(person, (0, 0))
    if not people:
        return None
    who = "1 person" if people == 1 else f"{people} people"
    count = "1 vote" if votes == 1 else f"{votes} votes"
    return f"Your impact: {who} found what you shared useful this week ({count})."
