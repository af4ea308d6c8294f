"""Bookmarks, the interaction graph and the pulse's weeks behave the same on SQLite and
PostgreSQL (the contract suite)."""

from __future__ import annotations

from bot.store import Bookmark, Interaction, Store
from bot.store.sql.interactions import week_of
from tests.support.clock import START

DAY = 86400.0


def mark(ts: str, text: str, author: str | None = "U2") -> Bookmark:
    return Bookmark("C1", ts, author, text, f"https://x.slack.com/archives/C1/p{ts}")


async def test_bookmarks_are_private_newest_first_and_searchable(any_store: Store) -> None:
    await any_store.add_bookmark("T1", "U1", mark("100.0", "Read the Postgres manual"))
    await any_store.add_bookmark("T1", "U1", mark("200.0", "Lunch at noon"))
    await any_store.add_bookmark("T1", "U1", mark("100.0", "Read the PostgreSQL manual"))  # edit
    await any_store.add_bookmark("T1", "U3", mark("300.0", "someone else's"))
    mine = await any_store.bookmarks("T1", "U1")
    assert [b.text for b in mine] == ["Lunch at noon", "Read the PostgreSQL manual"]
    assert [b.text for b in await any_store.bookmarks("T1", "U1", ("postgresql", "READ"))] == [
        "Read the PostgreSQL manual"
    ]
    assert await any_store.bookmarks("T1", "U1", ("%",)) == []  # no pattern characters
    assert [b.ts for b in await any_store.find_bookmarks("T1", "U1", "lunch")] == ["200.0"]
    await any_store.remove_bookmark("T1", "U1", "C1", "200.0")
    assert [b.ts for b in await any_store.bookmarks("T1", "U1", limit=5)] == ["100.0"]
    assert await any_store.bookmarks("T2", "U1") == []


async def test_interaction_counts_add_up_and_are_pruned(any_store: Store) -> None:
    this_week = week_of(START)  # the store's clock starts there (tests.support.clock)
    counts = [
        Interaction(this_week, "", "U1", "U2", "reaction"),
        Interaction(this_week, "", "U1", "U2", "reaction", 2),
        Interaction(this_week, "C9", "U2", "U1", "reply"),
        Interaction("2001-01-01", "", "U1", "U2", "mention"),  # long past retention: not kept
    ]
    await any_store.record_interactions("T1", counts)
    assert await any_store.interaction_counts("T1") == [
        Interaction(this_week, "", "U1", "U2", "reaction", 3),
        Interaction(this_week, "C9", "U2", "U1", "reply", 1),
    ]
    assert await any_store.interaction_counts("T2") == []
    assert await any_store.prune_interactions(START + 26 * 7 * DAY) == 0  # still kept
    assert await any_store.prune_interactions(START + 400 * DAY) == 2
    assert await any_store.interaction_counts("T1") == []


async def test_a_pulse_week_is_claimed_once(any_store: Store) -> None:
    assert await any_store.claim_pulse("T1", "2026-W10", "C1", 10.0)
    assert not await any_store.claim_pulse("T1", "2026-W10", "C1", 11.0)
    assert await any_store.claim_pulse("T2", "2026-W10", "C1", 11.0)
    await any_store.release_pulse("T1", "2026-W10")  # Slack refused: try again later
    assert await any_store.claim_pulse("T1", "2026-W10", "C1", 12.0)
    await any_store.pulse_posted("T1", "2026-W10", "F1", "5.0")
    await any_store.release_pulse("T1", "2026-W10")  # a posted week stays posted
    assert await any_store.pulse_weeks("T1") == [
        {"week": "2026-W10", "channel": "C1", "status": "posted", "file_id": "F1", "ts": "5.0"}
    ]
