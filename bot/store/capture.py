"""The capture area of `Store`: messages, learnings, reactions, links and reading them back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from bot.models import FetchedPage, ItemDraft, ReactionKind, ShareInput
from bot.store.plumbing import Plumbing
from bot.store.results import CheckOutcome
from bot.store.sql import bookmarks, capture, digests, export, forwards, links, saves, search
from bot.store.sql.bookmarks import Bookmark


class CaptureActions(Plumbing):
    """Domain actions for what people share; mixed into `Store`, which provides the plumbing."""

    async def save_message(
        self, share: ShareInput, drafts: Iterable[ItemDraft], fetch_at: float | None = None
    ) -> list[str]:
        """Make the items captured from one message exactly `drafts`; returns their ids.

        With `fetch_at`, links that still have no title are queued to be fetched then.
        """
        now = self._clock()

        def write(db: Database) -> list[str]:
            ids = self._sql(capture.replace_message)(db, share, list(drafts), now)
            if fetch_at is not None:
                self._sql(links.schedule_fetches)(db, share.team_id, ids, fetch_at)
            return ids

        return await self._write(write)

    async def move_message(self, team_id: str, channel: str, old_ts: str, new_ts: str) -> None:
        """What a message shared now lives at `new_ts` (a /til's card, once posted)."""
        await self._write(capture.move_message, team_id, channel, old_ts, new_ts, self._clock())

    async def remove_message(self, team_id: str, channel: str, ts: str) -> set[str]:
        """A message was deleted: drop its shares and items left with none."""
        return await self._write(capture.remove_message, team_id, channel, ts, self._clock())

    async def forwarded_items(self, team_id: str, channel: str, ts: str) -> list[ItemDraft]:
        """What a forward of this message re-shares: the items it shared publicly."""
        return await self._read(forwards.public_items_at, team_id, channel, ts)

    async def save_learning(self, share: ShareInput, draft: ItemDraft, saver: str | None) -> str:
        """Save a learning (/til, shortcut); a saver who is not the author votes. A message
        saved after it was captured keeps its item, marked saved (one item per thing)."""
        write = saves.save_message if share.source == "save" else capture.save_learning
        return await self._write(write, share, draft, saver, self._clock())

    async def share_note(self, team_id: str, user: str, item_id: str) -> bool:
        """The author shares a personal note (a DM /til) with the team; False if none."""
        touched = await self._write(capture.share_note, team_id, user, item_id, self._clock())
        return bool(touched)

    async def add_bookmark(self, team_id: str, user: str, mark: Bookmark) -> None:
        """Keep a message privately for the person who bookmarked it."""
        await self._write(bookmarks.add_bookmark, team_id, user, mark, self._clock())

    async def remove_bookmark(self, team_id: str, user: str, channel: str, ts: str) -> None:
        """The person took their bookmark back."""
        await self._write(bookmarks.remove_bookmark, team_id, user, channel, ts)

    async def bookmarks(
        self, team_id: str, user: str, words: tuple[str, ...] = (), limit: int = 10
    ) -> list[Bookmark]:
        """A person's own bookmarks, newest first; with `words`, those with every word."""
        return await self._read(bookmarks.bookmarks, team_id, user, words, limit)

    async def find_bookmarks(self, team_id: str, user: str, text: str) -> list[Bookmark]:
        """A person's own bookmarks with every word of a /find query, newest first."""
        query = search.parse_query(text)
        if query is None:
            return []
        return await self._read(bookmarks.bookmarks, team_id, user, query.words, 3)

    async def set_reaction(
        self,
        team_id: str,
        channel: str,
        ts: str,
        user: str,
        emoji: str,
        kind: ReactionKind,
        present: bool,
    ) -> set[str]:
        """Record a reaction added or removed; votes and flags follow from it."""
        return await self._write(
            capture.set_reaction, team_id, channel, ts, user, emoji, kind, present, self._clock()
        )

    async def flag_message(self, team_id: str, channel: str, ts: str, flagger: str) -> bool:
        """Flag what one message shared (the private shortcut); False if it shared nothing."""
        return await self._write(capture.flag_message, team_id, channel, ts, flagger, self._clock())

    async def shares_at(self, team_id: str, channel: str, ts: str) -> list[dict[str, Any]]:
        """The shares stored for one message."""
        return await self._read(export.shares_at, team_id, channel, ts)

    # -- link metadata ----------------------------------------------------------------------
    async def due_fetches(self, now: float, limit: int = 50) -> list[tuple[str, str, str, int]]:
        """Queued fetches that are due: (item id, team id, url, attempts)."""
        return await self._read(links.due_fetches, now, limit)

    async def postpone_fetch(self, item_id: str, due: float, error: str | None) -> None:
        """Try a failed fetch again at `due`."""
        await self._write(links.postpone_fetch, item_id, due, error)

    async def links_to_check(
        self, now: float, since: float, limit: int = 500
    ) -> list[tuple[str, str]]:
        """Recent live links due a health check: (item id, url)."""
        return await self._read(links.links_to_check, now, since, limit)

    async def record_check(self, item_id: str, outcome: CheckOutcome, now: float) -> bool:
        """Keep a health check's outcome; True when the link has just been found dead."""
        return await self._write(links.record_check, item_id, outcome, now)

    async def record_fetch(self, item_id: str, page: FetchedPage, now: float) -> str | None:
        """Keep a fetch's result; same-page URLs merge items. Returns the kept item id."""
        return await self._write(links.record_fetch, item_id, page, now)

    # -- reading back and housekeeping ------------------------------------------------------
    async def export_items(self, team_id: str | None = None) -> list[dict[str, Any]]:
        """All items in the export format."""
        return await self._read(lambda db: list(self._sql(export.export_items)(db, team_id)))

    async def counts(self, team_id: str | None = None) -> dict[str, int]:
        """Row counts per table."""
        return await self._read(export.count_rows, team_id)

    async def apply_retention(self, now: float, days: int) -> int:
        """Delete items whose last share is older than `days`, with bookmarks of older messages
        and the kept views of older digests; 0 keeps everything. Returns the items deleted."""
        if days <= 0:
            return 0
        cutoff = now - days * 86400

        def write(db: Database) -> int:
            self._sql(bookmarks.delete_older_than)(db, cutoff)
            self._sql(digests.delete_views_older_than)(db, cutoff)
            return self._sql(export.delete_older_than)(db, cutoff)

        return await self._write(write)
