"""`Store`: domain actions over SQLite, async for the bot and sync-friendly for the CLI.

SQLite details stay in this package: callers see domain methods only, so a PostgreSQL
store can later offer the same interface. Writes go through one writer thread with
group commit; reads run on a small pool of reader threads, each with its own connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.models import (
    BotPost,
    ChannelInfo,
    FetchedPage,
    ForgetResult,
    ItemDraft,
    ReactionKind,
    ShareInput,
    UserInfo,
)
from bot.store import items, links, people, queries, search_index
from bot.store.ask_actions import AskActions
from bot.store.digest_actions import DigestActions
from bot.store.home_actions import HomeActions
from bot.store.import_actions import ImportActions
from bot.store.migrations import migrate
from bot.store.review_actions import ReviewActions
from bot.store.stats_actions import StatsActions
from bot.store.writer import Writer

T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000


def connect(path: str) -> Database:
    """Open a connection with the pragmas every Serendip connection uses."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit is on disk before the event is acknowledged, even across a power
    # loss; group commit pays one fsync per batch, so the cost stays small.
    db.execute("PRAGMA synchronous = FULL")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    return db


class Store(DigestActions, AskActions, ReviewActions, HomeActions, StatsActions, ImportActions):
    """Serendip's data, named after what the bot does with it."""

    def __init__(self, path: str | Path, readers: int = 2) -> None:
        self.path = str(path)
        self._writer = Writer(self._connect_and_migrate)
        self._local = threading.local()
        self._connections: list[Database] = []
        self._lock = threading.Lock()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="serendip-reader")
        self._uninstalled: dict[str, int] = {}
        self._activity: dict[str, int] = {}
        # Channels change only through this store, so a cache of them stays true; it saves a
        # read for every captured message.
        self._channels: dict[tuple[str, str], ChannelInfo] = {}
        self._channel_changes = 0  # a read that overlapped a change must not fill the cache
        self.opened = False

    def _connect_and_migrate(self) -> Database:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = connect(self.path)
        migrate(db)
        return db

    def open(self) -> Store:
        """Open the file, apply migrations and start the writer."""
        self._writer.start()
        if self.read_sync(search_index.needs_reindex):
            self.write_sync(search_index.reindex_all)  # first start after an upgrade
        self._uninstalled = self.read_sync(people.uninstalled_teams)
        self.opened = True
        return self

    def close(self) -> None:
        """Finish pending writes and close every connection."""
        self._writer.close()
        self._readers.shutdown(wait=True)
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self.opened = False

    # -- plumbing ---------------------------------------------------------------------------
    def _reader_db(self) -> Database:
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path)
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a read on a reader thread and wait (CLI and start-up)."""
        return self._readers.submit(lambda: fn(self._reader_db(), *args)).result()

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, lambda: fn(self._reader_db(), *args))

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._writer.run(lambda db: fn(db, *args))

    def write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a write and wait for its commit (CLI)."""
        return self._writer.submit(lambda db: fn(db, *args)).result()

    def submit_write(self, fn: Callable[[Database], T]) -> Future[T]:
        """Queue a write without waiting; the future resolves after its commit (the import
        reads the next files meanwhile)."""
        return self._writer.submit(fn)

    @property
    def commits(self) -> int:
        """How many transactions the writer committed (for benchmarks and tests)."""
        return self._writer.commits

    # -- capture ----------------------------------------------------------------------------
    async def save_message(
        self, share: ShareInput, drafts: Iterable[ItemDraft], fetch_at: float | None = None
    ) -> list[str]:
        """Make the items captured from one message exactly `drafts`; returns their ids.

        With `fetch_at`, links that still have no title are queued to be fetched then.
        """

        def write(db: Database) -> list[str]:
            ids = items.replace_message(db, share, list(drafts))
            if fetch_at is not None:
                links.schedule_fetches(db, share.team_id, ids, fetch_at)
            return ids

        return await self._writer.run(write)

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

    async def record_check(self, item_id: str, outcome: str, now: float) -> bool:
        """Keep a health check's outcome; True when the link has just been found dead."""
        return await self._write(links.record_check, item_id, outcome, now)

    async def record_fetch(self, item_id: str, page: FetchedPage, now: float) -> str | None:
        """Keep a fetch's result; same-page URLs merge items. Returns the kept item id."""
        return await self._write(links.record_fetch, item_id, page, now)

    async def move_message(self, team_id: str, channel: str, old_ts: str, new_ts: str) -> None:
        """What a message shared now lives at `new_ts` (a /til's card, once posted)."""
        await self._write(items.move_message, team_id, channel, old_ts, new_ts)

    async def remove_message(self, team_id: str, channel: str, ts: str) -> set[str]:
        """A message was deleted: drop its shares and items left with none."""
        return await self._write(items.remove_message, team_id, channel, ts)

    async def save_learning(self, share: ShareInput, draft: ItemDraft, saver: str | None) -> str:
        """Save a learning (/til, bookmark, shortcut); a saver who is not the author votes."""
        return await self._write(items.save_learning, share, draft, saver)

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
            items.set_reaction, team_id, channel, ts, user, emoji, kind, present
        )

    async def flag_message(self, team_id: str, channel: str, ts: str, flagger: str) -> bool:
        """Flag what one message shared (the private shortcut); False if it shared nothing."""
        return await self._write(items.flag_message, team_id, channel, ts, flagger)

    async def flags(self, team_id: str) -> list[dict[str, Any]]:
        """Every flag in a workspace: item, flagger and how it was given (for review)."""
        return await self._read(_flags, team_id)

    async def shares_at(self, team_id: str, channel: str, ts: str) -> list[dict[str, Any]]:
        """The shares stored for one message."""
        return await self._read(_shares_at, team_id, channel, ts)

    # -- the event inbox -------------------------------------------------------------------
    async def enqueue_event(self, team_id: str, event_id: str, body: str) -> bool:
        """Durably keep a delivered event; False when this event id was delivered before."""
        return await self._write(queries.enqueue_event, team_id, event_id, body, time.time())

    async def pending_events(self, after: int = 0, limit: int = 200) -> list[tuple[int, str]]:
        """Unhandled events (sequence number, raw body), oldest first."""
        return await self._read(queries.pending_events, after, limit)

    async def failed_events(self, limit: int = 100) -> list[dict[str, Any]]:
        """Events whose listeners failed, newest last (for operators and tests)."""
        return await self._read(queries.failed_events, limit)

    async def newest_event(self) -> int | None:
        """The inbox position of the newest delivered event."""
        return await self._read(queries.unhandled_up_to, None)

    async def unhandled_before(self, seq: int) -> bool:
        """Whether any event delivered at or before `seq` is still unhandled."""
        return await self._read(queries.unhandled_up_to, seq) is not None

    async def finish_event(self, seq: int, error: str | None = None) -> None:
        """Mark an event handled, or given up on with `error`."""
        await self._write(queries.finish_event, seq, error, time.time())

    async def event_known(self, team_id: str, event_id: str) -> bool:
        """True when this event id was delivered before (handled or not)."""
        return await self._read(_event_known, team_id, event_id)

    async def note_activity(self, team_id: str, seq: int) -> None:
        """An event (inbox position `seq`) was handled: a workspace that left is back."""
        self._activity[team_id] = max(self._activity.get(team_id, 0), seq)
        since = self._uninstalled.get(team_id)
        if since is not None and seq > since:
            del self._uninstalled[team_id]
            await self._write(people.mark_uninstalled, team_id, None, None)

    async def mark_uninstalled(self, team_id: str, at: float, seq: int) -> None:
        """Start a workspace's uninstall grace period, unless later events show it is back.

        Events are handled side by side, so order is judged by inbox position, not by
        which listener happened to finish first.
        """
        if self._activity.get(team_id, 0) > seq:
            return
        self._uninstalled[team_id] = seq
        await self._write(people.mark_uninstalled, team_id, at, seq)

    async def purge_uninstalled(self, cutoff: float) -> list[str]:
        """Delete workspaces whose grace period ended before `cutoff`."""
        teams = await self._read(people.uninstalled_before, cutoff)
        for team in teams:
            await self._write(people.delete_workspace, team)
            self._channel_changes += 1
            self._channels = {k: v for k, v in self._channels.items() if k[0] != team}
            self._uninstalled.pop(team, None)
        return teams

    # -- people and channels ----------------------------------------------------------------
    async def save_user(self, user: UserInfo) -> None:
        """Insert or update a person."""
        await self._write(people.upsert_user, user)

    async def user(self, team_id: str, user_id: str) -> UserInfo | None:
        """A stored person."""
        return await self._read(people.get_user, team_id, user_id)

    async def set_opt_out(self, team_id: str, user_id: str, opted_out: bool) -> None:
        """Opt a person out of capture and digests, or back in."""
        await self._write(people.set_opt_out, team_id, user_id, opted_out)

    async def opted_out(self, team_id: str, user_id: str) -> bool:
        """Whether a person opted out."""
        return await self._read(people.is_opted_out, team_id, user_id)

    async def save_channel(self, channel: ChannelInfo) -> None:
        """Insert or update a channel's facts."""
        self._forget_channel(channel.team_id, channel.id)
        await self._write(people.upsert_channel, channel)
        self._forget_channel(channel.team_id, channel.id)

    async def channel(self, team_id: str, channel_id: str) -> ChannelInfo | None:
        """A stored channel."""
        cached = self._channels.get((team_id, channel_id))
        if cached is None:
            changes = self._channel_changes
            cached = await self._read(people.get_channel, team_id, channel_id)
            if cached is not None and changes == self._channel_changes:
                self._channels[(team_id, channel_id)] = cached
        return cached

    def _forget_channel(self, team_id: str, channel_id: str) -> None:
        self._channel_changes += 1
        self._channels.pop((team_id, channel_id), None)

    async def update_channel(self, team_id: str, channel_id: str, **fields: Any) -> None:
        """Change a channel's name, archive state, bot membership or capture setting."""
        self._forget_channel(team_id, channel_id)
        await self._writer.run(lambda db: people.update_channel(db, team_id, channel_id, **fields))
        self._forget_channel(team_id, channel_id)

    async def claim_join_note(self, team_id: str, channel_id: str) -> bool:
        """True exactly once per channel; the caller then posts the join note."""
        return await self._write(people.claim_join_note, team_id, channel_id)

    async def forget_person(self, team_id: str, user_id: str) -> ForgetResult:
        """Delete everything about a person but their opt-out marker."""
        return await self._write(people.forget_person, team_id, user_id)

    async def teams(self) -> list[str]:
        """Every workspace with data in this database."""
        return await self._read(people.known_teams)

    async def installed_teams(self) -> list[str]:
        """Workspaces with data whose app is installed (not in an uninstall grace period)."""
        return [t for t in await self._read(people.known_teams) if t not in self._uninstalled]

    async def teams_with_person(self, user_id: str) -> list[str]:
        """Workspaces that store anything about a person (for the operator's forget)."""
        return await self._read(people.teams_with_person, user_id)

    async def record_bot_post(self, post: BotPost) -> None:
        """Remember one of the bot's posts."""
        await self._write(people.record_bot_post, post)

    # -- reading and housekeeping -----------------------------------------------------------
    async def export_items(self, team_id: str | None = None) -> list[dict[str, Any]]:
        """All items in the export format."""
        return await self._read(lambda db: list(queries.export_items(db, team_id)))

    async def counts(self, team_id: str | None = None) -> dict[str, int]:
        """Row counts per table."""
        return await self._read(queries.count_rows, team_id)

    async def apply_retention(self, now: float, days: int) -> int:
        """Delete items whose last share is older than `days`; 0 keeps everything."""
        if days <= 0:
            return 0
        return await self._write(queries.delete_older_than, now - days * 86400)

    async def prune_inbox(self, cutoff: float) -> int:
        """Forget handled events older than `cutoff`."""
        return await self._write(queries.prune_inbox, cutoff)

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the database while it is in use (SQLite online backup)."""
        source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest, pages=256)
        finally:
            dest.close()
            source.close()


def _shares_at(db: Database, team_id: str, channel: str, ts: str) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT item_id, user, text, source, is_private, thread_ts FROM shares"
        " WHERE team_id = ? AND channel = ? AND ts = ?",
        [team_id, channel, ts],
    )
    keys = ("item_id", "user", "text", "source", "is_private", "thread_ts")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _event_known(db: Database, team_id: str, event_id: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM inbox WHERE team_id = ? AND event_id = ?", [team_id, event_id]
    ).fetchone()
    return row is not None


def _flags(db: Database, team_id: str) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT item_id, flagger, via FROM flags WHERE team_id = ? ORDER BY at, flagger", [team_id]
    )
    return [{"item_id": item, "flagger": who, "via": via} for item, who, via in rows]
