"""Plain data passed between handlers, jobs and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ItemKind = Literal["link", "learning", "question"]
ReactionKind = Literal["useful", "flag", "save"]
ShareSource = Literal["message", "save", "til", "import", "ask", "forward"]


@dataclass(frozen=True)
class ItemDraft:
    """An item as capture sees it, before the store gives it an id."""

    kind: ItemKind
    key: str
    url: str | None = None
    title: str | None = None
    text: str | None = None
    description: str | None = None
    site_name: str | None = None


@dataclass(frozen=True)
class ShareInput:
    """Where and by whom an item was shared: one message (or one /til)."""

    team_id: str
    channel: str
    ts: str
    user: str | None
    text: str
    is_private: bool
    source: ShareSource = "message"
    thread_ts: str | None = None
    saved_by: str | None = None


@dataclass(frozen=True)
class ChannelInfo:
    """What the store keeps about a channel."""

    team_id: str
    id: str
    name: str | None = None
    is_private: bool = False
    is_archived: bool = False
    is_member: bool = True
    capture: str | None = None  # None: the default for its kind; "on" or "off"
    is_dm: bool = False  # a direct message or group DM: never captured


@dataclass(frozen=True)
class UserInfo:
    """What the store keeps about a person."""

    team_id: str
    id: str
    name: str | None = None
    real_name: str | None = None
    tz: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    # The person's own workspace and Enterprise Grid organisation, as Slack says them: whether
    # they are one of us (Slack Connect, Grid) is then known without asking again.
    home_team: str | None = None
    enterprise: str | None = None


def user_from_api(team_id: str, data: dict[str, Any]) -> UserInfo:
    """A UserInfo from a users.info / users.list / user_change `user` object."""
    raw_profile = data.get("profile")
    profile: dict[str, Any] = raw_profile if isinstance(raw_profile, dict) else {}
    raw_grid = data.get("enterprise_user")
    grid: dict[str, Any] = raw_grid if isinstance(raw_grid, dict) else {}
    return UserInfo(
        team_id=team_id,
        id=str(data["id"]),
        name=profile.get("display_name") or data.get("name"),
        real_name=data.get("real_name") or profile.get("real_name"),
        tz=data.get("tz"),
        is_admin=bool(data.get("is_admin")),
        is_owner=bool(data.get("is_owner")),
        is_bot=bool(data.get("is_bot")),
        deleted=bool(data.get("deleted")),
        home_team=_text(data.get("team_id") or data.get("team")),
        enterprise=_text(grid.get("enterprise_id") or data.get("enterprise_id")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class BotPost:
    """A message the bot posted, remembered so forget-me can delete what credits a person."""

    team_id: str
    channel: str
    ts: str
    credited: str | None
    kind: str
    view: str | None = None  # a digest's view (JSON): re-rendered without the person, not deleted


# A question card showing someone's best answer (block ANSWER_BLOCK): their forget-me updates
# the card without that block, since the card itself is the asker's.
ANSWERED_CARD = "answered_card"
ANSWER_BLOCK = "best_answer"


@dataclass(frozen=True)
class ForgetResult:
    """What forget-me removed, and the bot posts left to delete in Slack."""

    shares: int
    votes: int
    flags: int
    items_deleted: int
    posts: list[BotPost] = field(default_factory=list)
    # Their votes as they were: (item id, when, the private channel it was given in or None
    # if public), so the digests updated without them can count without them too.
    votes_cast: tuple[tuple[str, float, str | None], ...] = ()
    # The items they shared, so a digest that kept no copy of what it showed can still be
    # cleared of theirs (read back from Slack).
    items_shared: tuple[str, ...] = ()
    erased: bool = False  # no trace of it is left readable in the database file or its WAL


@dataclass(frozen=True)
class FetchedPage:
    """What fetching a link found (or why not), as the store keeps it."""

    status: str  # "ok", or why not: "refused", "failed", "not_html", "timeout", …
    title: str | None = None
    description: str | None = None
    site_name: str | None = None
    final_url: str | None = None  # canonical form, after redirects
    same_page_urls: tuple[str, ...] = ()  # canonical forms of URLs that are the same page
    error: str | None = None


# One count of the interaction graph an export adds: (week, scope, actor, target, kind).
ImportedInteraction = tuple[str, str, str, str, str]


@dataclass
class ImportBatch:
    """What whole day files of a Slack export add, written in one transaction."""

    team_id: str
    shares: list[tuple[ShareInput, ItemDraft]] = field(default_factory=list)
    # (channel, ts, user, emoji, kind) on messages that share something
    reactions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)  # edited: (channel, ts)
    removed: list[tuple[str, str]] = field(default_factory=list)  # deleted or `!nda` since
    files: list[tuple[str, str, int]] = field(default_factory=list)  # path, fingerprint, messages
    interactions: list[ImportedInteraction] = field(default_factory=list)
    messages: int = 0

    def __len__(self) -> int:
        return self.messages
