"""Seeding the store for digest tests: shares, votes and channels at chosen message times."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import ChannelInfo, ItemDraft, ShareInput, UserInfo
from bot.store import Store
from bot.urls import canonical_url

TEAM = "T1"
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a digest time (Monday 09:00 UTC)
DAY = 86400.0


def ts_of(at: datetime | float) -> str:
    """A Slack message ts for a moment."""
    seconds = at.timestamp() if isinstance(at, datetime) else at
    return f"{seconds:.6f}"


async def channel(store: Store, cid: str, name: str, private: bool = False) -> None:
    """A channel the bot is a member of."""
    await store.save_channel(ChannelInfo(TEAM, cid, name, is_private=private, is_member=True))


async def person(store: Store, uid: str, tz: str = "UTC") -> None:
    """A person with a time zone."""
    await store.save_user(UserInfo(TEAM, uid, uid.lower(), uid, tz))


async def share(
    store: Store,
    cid: str,
    user: str,
    url: str,
    at: datetime | float,
    title: str | None = None,
    private: bool = False,
    kind: str = "link",
) -> str:
    """Share a link (or a learning when kind='learning') in a channel at a moment; its ts.

    One channel and moment is one message: sharing again at the same moment replaces it.
    """
    ts = ts_of(at)
    text = url if kind == "link" else f"TIL {title}"
    if kind == "link":
        draft = ItemDraft("link", canonical_url(url) or url, url=url, title=title or url)
    else:
        draft = ItemDraft("learning", f"til:{cid}:{ts}", text=text)
    await store.save_message(ShareInput(TEAM, cid, ts, user, text, private), [draft])
    return ts


async def vote(store: Store, cid: str, ts: str, voter: str) -> None:
    """A useful reaction on a shared message."""
    await store.set_reaction(TEAM, cid, ts, voter, "+1", "useful", True)


async def flag(store: Store, cid: str, ts: str, flagger: str) -> None:
    """A flag reaction on a shared message."""
    await store.set_reaction(TEAM, cid, ts, flagger, "triangular_flag_on_post", "flag", True)
