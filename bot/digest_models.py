"""Plain data the store hands to the digest jobs: a snapshot of one workspace for one run.

The store fills these in a few bulk reads; the jobs then compute every digest from them as
pure functions, so the database is read once per run and never per recipient.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ShareFact:
    """One share of an item: where, when (the message's time) and by whom."""

    channel: str
    at: float
    user: str | None
    is_private: bool
    ts: str = ""  # the message, which a digest links to (learnings, questions)
    thread_ts: str | None = None  # its thread's root, for a reply


@dataclass(frozen=True)
class BestAnswer:
    """An answered question's best answer, as a digest shows it."""

    text: str
    user: str
    permalink: str | None = None  # the question's thread, as Slack gave it when it was posted


@dataclass(frozen=True)
class ItemFacts:
    """What digests need to know about one item."""

    item_id: str
    kind: str
    title: str | None
    text: str | None
    url: str | None
    domain: str | None
    topics: tuple[str, ...]
    shares: tuple[ShareFact, ...]  # every share, oldest first
    public_voters: tuple[str, ...]
    private_votes: tuple[tuple[str, str], ...]  # (voter, channel) of votes in private channels
    flags: int = 0
    dead: bool = False
    # Public voters whose useful reaction the channel saw (not a Useful press in their own
    # digest, which nobody saw): the only ones a why line may name.
    seen_voters: frozenset[str] = frozenset()
    answer: BestAnswer | None = None  # a question's

    @property
    def is_public(self) -> bool:
        """True when at least one share is in a public channel (the item has a public face)."""
        return any(not s.is_private for s in self.shares)

    def all_voters(self) -> set[str]:
        """Everyone who voted, publicly or in a private channel."""
        return set(self.public_voters) | {voter for voter, _ in self.private_votes}


@dataclass(frozen=True)
class Recipient:
    """A person who may get a personal digest."""

    user_id: str
    cadence: str  # "weekly", "daily", "monthly" or "off"
    tz: str | None
    dm_channel: str | None
    had_digest: bool  # a personal digest was sent to them before
    asked: bool = False  # they chose a cadence themselves (Home, /serendip digest, a button)
    last_digest_at: float | None = None  # their newest personal digest's planning, 28 days back


@dataclass(frozen=True)
class ChannelFacts:
    """A channel that may get a channel digest."""

    channel_id: str
    name: str | None
    is_private: bool
    digest: str  # "weekly" or "off"


@dataclass(frozen=True)
class HelpWanted:
    """An open question someone may be able to answer (for a "Can you help?" section)."""

    question_id: str
    text: str
    permalink: str | None
    channel: str
    posted_at: float
    asker: str | None = None  # forget-me takes their question out of a sent digest
    anon: bool = False  # asked anonymously: the asker's ties are never used for it


@dataclass
class DigestSnapshot:
    """One workspace, read once for one digest run."""

    team_id: str
    since: float
    until: float
    items: dict[str, ItemFacts] = field(default_factory=dict)
    people: dict[str, Recipient] = field(default_factory=dict)
    channels: dict[str, ChannelFacts] = field(default_factory=dict)
    networks: dict[str, dict[str, float]] = field(default_factory=dict)  # person -> ties
    person_channels: dict[str, set[str]] = field(default_factory=dict)
    person_topics: dict[str, set[str]] = field(default_factory=dict)
    sent: dict[str, set[str]] = field(default_factory=dict)  # recipient -> item ids sent
    less_like: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    impact: dict[str, tuple[int, int]] = field(default_factory=dict)  # (people, votes) a week
    channel_names: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # display names by user id
    help_wanted: dict[str, list[HelpWanted]] = field(default_factory=dict)  # person -> questions
    workspace_url: str | None = None  # auth.test's `url`: message links are built from it
    fatigued: set[str] = field(default_factory=set)  # weekly people who used no recent digest
    archive: dict[str, ItemFacts] = field(default_factory=dict)  # well-voted, 3-12 months old
    archive_sent: dict[str, set[str]] = field(default_factory=dict)  # recipient -> archive ids
