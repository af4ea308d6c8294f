"""Deleted words leave the database file: after forget-me and after a workspace's purge, the raw
bytes of the file and its WAL no longer hold them, while everyone else's words stay findable."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.forgetting import forget
from bot.models import ItemDraft, ShareInput, UserInfo
from bot.store import Store
from bot.store.store import connect
from bot.store.writer import Writer
from tests.support.clock import START

T = "T1"
# Distinctive words; the search index keeps stems ("quixotrellis" is indexed as "quixotrelli"),
# so the raw bytes are searched for a prefix every form of the word shares.
GONE, GONE_BYTES = "quixotrellis", b"quixotrel"
KEPT, KEPT_BYTES = "marmotcontrol", b"marmotcontrol"


def on_disk(store: Store) -> bytes:
    """The database file and its WAL as they are on disk, the store still open."""
    path = Path(store.path)
    wal = Path(f"{store.path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def wal_size(store: Store) -> int:
    """How many bytes the store's WAL holds."""
    wal = Path(f"{store.path}-wal")
    return wal.stat().st_size if wal.exists() else 0


async def plant(store: Store, team: str, user: str, word: str, n: int = 12) -> None:
    """`n` messages by one person holding `word`: learnings, and a link titled with it."""
    await store.save_user(UserInfo(team, user, f"{word}name", word.title()))
    for i in range(n):
        ts = f"{1_700_000_000 + i}.{user[-1]}00100"
        text = f"TIL the {word} method, part {i}, beats the usual approach"
        share = ShareInput(team, "C1", ts, user, text, False)
        await store.save_message(share, [ItemDraft("learning", f"learning:C1:{ts}", text=text)])
    url = f"https://example.com/{user}"
    link = ItemDraft("link", f"link:{url}", url=url, title=f"The {word} handbook")
    ts = f"{1_700_000_100}.{user[-1]}00100"
    await store.save_message(ShareInput(team, "C2", ts, user, f"<{url}>", False), [link])


async def test_forget_me_leaves_no_forgotten_word_on_disk(store: Store) -> None:
    await plant(store, T, "U1", GONE)
    await plant(store, T, "U2", KEPT)
    # Another person's item that quotes them: their words in it stay, the name goes.
    await store.save_message(
        ShareInput(T, "C1", "1700000200.000100", "U2", f"TIL <@U1> on {KEPT}s", False),
        [ItemDraft("learning", "learning:C1:1700000200.000100", text="x")],
    )
    assert len(await store.search(T, GONE)) == 13
    assert GONE_BYTES in on_disk(store)

    result, _, _ = await forget(store, None, T, "U1")

    assert await store.search(T, GONE) == []
    assert len(await store.search(T, KEPT)) == 14  # the other person's words are still found
    data = on_disk(store)
    assert KEPT_BYTES in data  # the file read is the store's, and holds what was kept
    assert GONE_BYTES not in data
    assert f"{GONE}name".encode() not in data
    assert result.erased


async def test_a_purged_workspace_leaves_no_word_on_disk(store: Store) -> None:
    await plant(store, "T2", "U1", GONE)
    await plant(store, T, "U2", KEPT)
    await store.create_question("T2", "U1", False, f"who knows {GONE}?", "C1")
    await store.record_gap("T2", GONE)
    await store.mark_uninstalled("T2", START - 30 * 86400, 5)
    assert GONE_BYTES in on_disk(store)

    assert await store.purge_uninstalled(START) == ["T2"]

    assert len(await store.search(T, KEPT)) == 13
    data = on_disk(store)
    assert KEPT_BYTES in data
    assert GONE_BYTES not in data
    assert wal_size(store) == 0  # emptied, not only checkpointed


def insert(db: Database, value: int) -> None:
    """One row into the writer test's table."""
    db.execute("INSERT INTO t VALUES (?)", [value])


async def test_a_job_alone_runs_after_the_writes_before_it_outside_a_transaction(
    tmp_path: Path,
) -> None:
    writer = Writer(lambda: connect(str(tmp_path / "w.db")))
    writer.start()
    try:
        writer.submit(lambda db: db.execute("CREATE TABLE t (x INTEGER)"))
        for n in range(5):
            writer.submit(partial(insert, value=n))

        def alone(db: Database) -> tuple[bool, int]:
            return db.conn.in_transaction, db.execute("SELECT count(*) FROM t").fetchone()[0]

        assert await writer.run(alone, alone=True) == (False, 5)
        with pytest.raises(sqlite3.OperationalError):
            await writer.run(lambda db: db.execute("VACUUM nowhere"), alone=True)
        await writer.run(lambda db: db.execute("INSERT INTO t VALUES (5)"))  # still writing
        assert await writer.run(alone, alone=True) == (False, 6)
    finally:
        writer.close()
