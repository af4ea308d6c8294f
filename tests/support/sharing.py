"""Shares, drafts and raw rows for the store's two-backend contract tests."""

from __future__ import annotations

from typing import Any

from bot.models import ItemDraft, ShareInput
from bot.store import Store

T = "T1"


def share(
    channel: str = "C1",
    ts: str = "1700000000.000100",
    user: str | None = "U1",
    text: str = "<https://a.com/x>",
    private: bool = False,
    **kw: Any,
) -> ShareInput:
    """A share in workspace T1 (another team with `team=`)."""
    team = kw.pop("team", T)
    return ShareInput(team, channel, ts, user, text, private, **kw)


def link(url: str = "https://a.com/x", title: str | None = None, **kw: Any) -> ItemDraft:
    """A link item's draft, keyed as capture keys it."""
    return ItemDraft("link", f"link:{url}", url=url, title=title, **kw)


def learning(key: str, text: str) -> ItemDraft:
    """A learning item's draft."""
    return ItemDraft("learning", f"learning:{key}", text=text)


async def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    """The rows of a query without parameters, on either backend (`"user"` is quoted on both)."""
    return await store._read(lambda db: [tuple(r) for r in db.execute(sql).fetchall()])


async def execute(store: Store, sql: str) -> None:
    """Run one statement without parameters through the store's writer, on either backend."""
    await store._write(lambda db: db.execute(sql))
