"""The store's domain actions, against a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.models import ChannelInfo, ItemDraft, ShareInput
from bot.store import Bookmark, Store
from bot.store.migrations import MIGRATIONS
from bot.store.sql import directory, fatigue
from bot.store.sql.workspaces import TEAM_TABLES
from tests.support.clock import START
from tests.support.rawdb import raw

LATER = START + 60  # a minute after the store fixture's clock started: after its stamps

T = "T1"


def share(
    channel: str = "C1",
    ts: str = "1700000000.000100",
    user: str = "U1",
    text: str = "<https://a.com/x>",
    private: bool = False,
    **kw: object,
) -> ShareInput:
    return ShareInput(T, channel, ts, user, text, private, **kw)  # type: ignore[arg-type]


def link(url: str = "https://a.com/x", title: str | None = None) -> ItemDraft:
    return ItemDraft("link", f"link:{url}", url=url, title=title)


async def test_migrations_from_empty_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    first = Store(path).open()
    await first.save_message(share(), [link()])
    first.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    again = Store(path).open()
    assert (await again.counts())["items"] == 1
    again.close()


async def test_fts_follows_edits_and_deletes(store: Store) -> None:
    draft = ItemDraft("learning", "learning:C1:7.0", text="TIL about walruses")
    await store.save_message(share(ts="7.0", text="TIL about walruses"), [draft])
    assert [r.kind for r in await store.search(T, "walruses")] == ["learning"]
    otters = ItemDraft("learning", "learning:C1:7.0", text="TIL about otters")
    await store.save_message(share(ts="7.0", text="TIL about otters"), [otters])
    assert await store.search(T, "walruses") == []
    assert len(await store.search(T, "otters")) == 1
    await store.remove_message(T, "C1", "7.0")
    assert await store.search(T, "otters") == []
    assert await store.search(T, '"; DROP TABLE items; --') == []


async def test_uninstall_purges_only_that_workspace_after_grace(store: Store) -> None:
    await store.save_message(share(), [link()])
    await store.save_message(ShareInput("T2", "C1", "1.0", "U1", "t", False), [link()])
    await store.save_channel(ChannelInfo("T2", "C1", "general"))
    now = LATER
    await store.mark_uninstalled("T2", now - 3 * 86400, 5)
    assert await store.purge_uninstalled(now - 7 * 86400) == []
    assert await store.purge_uninstalled(now - 86400) == ["T2"]
    assert (await store.counts("T2")) == dict.fromkeys((await store.counts("T2")), 0)
    assert (await store.counts(T))["items"] == 1


def test_a_workspace_purge_reaches_every_table_that_names_a_workspace(store: Store) -> None:
    """A new table with a team_id column must be purged with its workspace (the search
    documents go through the search index, which also cleans its full-text tables)."""

    def tables_with_team(db: Database) -> set[str]:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            n for n in names if "team_id" in [r[1] for r in db.execute(f"PRAGMA table_info({n})")]
        }

    # An OAuth installation is keyed by enterprise too: the purge deletes it apart
    # (workspaces.purge_workspace), only while the workspace is still marked as gone.
    assert raw(store, tables_with_team) - set(TEAM_TABLES) == {"search_docs", "installations"}


async def test_purge_takes_questions_gaps_and_search_documents(store: Store) -> None:
    walrus = ItemDraft("learning", "learning:C1:1.0", text="TIL walrus")
    await store.save_message(ShareInput("T2", "C1", "1.0", "U1", "TIL walrus", False), [walrus])
    await store.save_message(share(text="TIL walrus too"), [link()])
    await store.create_question("T2", "U1", False, "walrus?", "C1")
    await store.record_gap("T2", "narwhal")
    await store.mark_uninstalled("T2", LATER - 30 * 86400, 5)
    assert await store.purge_uninstalled(LATER) == ["T2"]

    def left(db: Database) -> list[int]:
        db.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        tables = ("search_docs", "questions", "knowledge_gaps")
        return [
            db.execute(f"SELECT count(*) FROM {t} WHERE team_id = 'T2'").fetchone()[0]
            for t in tables
        ]

    assert raw(store, left) == [0, 0, 0]
    assert len(await store.search(T, "walrus")) == 1  # the other workspace's item is still found


async def test_activity_cancels_uninstall(store: Store) -> None:
    await store.mark_uninstalled("T2", LATER - 30 * 86400, 10)
    await store.note_activity("T2", 9)  # delivered before the uninstall: changes nothing
    await store.note_activity("T2", 11)
    assert await store.purge_uninstalled(LATER) == []
    await store.note_activity("T3", 20)  # handled before an earlier-delivered uninstall
    await store.mark_uninstalled("T3", LATER - 30 * 86400, 19)
    assert await store.purge_uninstalled(LATER) == []
    await store.mark_uninstalled("T3", LATER - 30 * 86400, 21)
    assert await store.purge_uninstalled(LATER) == ["T3"]


async def test_inbox_keeps_each_event_once_until_handled(store: Store) -> None:
    assert await store.enqueue_event(T, "Ev1", '{"a": 1}')
    assert not await store.enqueue_event(T, "Ev1", '{"a": 1}')  # a retry
    assert await store.enqueue_event(T, "Ev2", '{"b": 2}')
    pending = await store.pending_events()
    assert [body for _, body in pending] == ['{"a": 1}', '{"b": 2}']
    await store.finish_event(pending[0][0])
    assert [body for _, body in await store.pending_events()] == ['{"b": 2}']
    assert await store.event_known(T, "Ev1")
    assert await store.prune_inbox(LATER + 1) == 1
    assert not await store.event_known(T, "Ev1")
    assert await store.event_known(T, "Ev2")


async def test_group_commit_batches_concurrent_writes(store: Store) -> None:
    before = store.commits
    await asyncio.gather(*(store.enqueue_event(T, f"Ev{i}", "{}") for i in range(300)))
    assert store.commits - before < 300
    assert all([await store.event_known(T, f"Ev{i}") for i in (0, 150, 299)])


async def test_failing_write_does_not_sink_its_batch(store: Store) -> None:
    def boom(db: object) -> None:
        raise ValueError("bad write")

    results = await asyncio.gather(
        store._write(boom), store.enqueue_event(T, "EvOk", "{}"), return_exceptions=True
    )
    assert isinstance(results[0], ValueError)
    assert results[1] is True
    assert await store.event_known(T, "EvOk")


async def test_backup_while_writing(store: Store, tmp_path: Path) -> None:
    async def writer() -> None:
        for i in range(200):
            await store.save_message(share(ts=f"{i}.0", text=str(i)), [link(f"https://e.com/{i}")])

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    await asyncio.to_thread(store.backup, tmp_path / "copy.db")
    await task
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    items = copy.execute("SELECT count(*) FROM items").fetchone()[0]
    shares = copy.execute("SELECT count(*) FROM shares").fetchone()[0]
    assert 0 < items == shares <= 200


def test_hot_queries_use_their_indexes(store: Store) -> None:
    """Capture looks shares up by message; a plan on the wrong index made it O(table)."""
    plans = {
        "SELECT item_id FROM shares WHERE team_id = ? AND channel = ? AND ts = ?": "shares_message",
        (
            "SELECT seq, body FROM inbox WHERE done_at IS NULL AND seq > ? ORDER BY seq LIMIT ?"
        ): "inbox_pending",
        "SELECT id FROM items WHERE team_id = ? AND key = ?": "sqlite_autoindex_items_",
    }

    def explain(db: Database, sql: str) -> str:
        rows = db.execute(f"EXPLAIN QUERY PLAN {sql}", [1] * sql.count("?"))
        return " ".join(str(row[3]) for row in rows)

    for sql, index in plans.items():
        plan = raw(store, explain, sql)
        assert index in plan, plan
        assert "SCAN" not in plan, plan


def test_fatigue_reads_only_its_window_of_the_outbox(store: Store) -> None:
    """Who is tired reads LOOK_BACK_DAYS of digests by their time, not every recipient's whole
    history by recipient (the planner's own choice)."""

    def explain(db: Database) -> str:
        args = {"team": T, "since": 0.0, "tired": fatigue.TIRED_AFTER}
        return " ".join(
            str(row[3]) for row in db.execute(f"EXPLAIN QUERY PLAN {fatigue.TIRED}", args)
        )

    plan = raw(store, explain)
    assert "SEARCH o USING INDEX outbox_created (team_id=? AND created_at>?)" in plan, plan


async def test_channel_cache_never_keeps_a_value_read_during_a_change(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.save_channel(ChannelInfo(T, "C1", "general"))
    real = directory.get_channel
    read, changed = threading.Event(), threading.Event()

    def held(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        read.set()
        changed.wait(5)  # the change commits while this read is in flight
        return result

    monkeypatch.setattr(directory, "get_channel", held)
    reading = asyncio.create_task(store.channel(T, "C1"))
    await asyncio.to_thread(read.wait, 5)
    await store.update_channel(T, "C1", capture="off")
    changed.set()
    stale = await reading
    monkeypatch.setattr(directory, "get_channel", real)
    assert stale is not None
    assert stale.capture is None
    fresh = await store.channel(T, "C1")
    assert fresh is not None
    assert fresh.capture == "off"


async def test_retention_deletes_old_bookmarks_and_old_digest_views(store: Store) -> None:
    now = LATER
    old, recent = f"{now - 40 * 86400:.6f}", f"{now - 1 * 86400:.6f}"
    for ts in (old, recent):
        await store.add_bookmark(T, "U2", Bookmark("C1", ts, "U1", f"said at {ts}", None))
        await store.digest_view_changed(T, "C9", ts, '{"title": "t", "sections": []}')
        await store.credit_digest(T, "U1", "C9", ts)
    assert await store.apply_retention(now, 0) == 0
    assert len(await store.bookmarks(T, "U2")) == 2
    await store.apply_retention(now, 30)
    assert [b.ts for b in await store.bookmarks(T, "U2")] == [recent]
    views = {ts: view is not None for _, ts, view in await store.read_credits(T, "U1")}
    assert views == {old: False, recent: True}  # the old digest is still found, without a view
