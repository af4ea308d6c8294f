"""Writes of one workspace leave the others alone (issue 17, item 2), on SQLite and
PostgreSQL: importing a Slack export into one, whose channels and people have the ids and
names the others use, and forgetting a person whose id and name the others have too."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.forgetting import forget
from bot.importing.progress import Progress
from bot.importing.runner import Importer
from bot.models import ItemDraft, ShareInput
from bot.store import Store
from tests.bot.store.isolation_seed import (
    AT,
    CHANNELS,
    PEOPLE,
    SHARED_URL,
    TEAMS,
    Opener,
    leaks,
    open_store,
    plain,
    seeded,
)
from tests.bot.store.isolation_views import CONFIG, everything
from tests.support.exports import channel, message, person, write_export

__all__ = ["open_store"]  # the fixture, used by name


async def others(store: Store, team: str) -> dict[str, str]:
    """What every workspace but `team` shows, as plain text."""
    return {t: plain(store, await everything(store, t)) for t in TEAMS if t != team}


def export_of(folder: Path, team: str) -> Path:
    """A Slack export of `team` with the channels and people every workspace has (C3 named as
    `team` names it), sharing the common URL and one of its own, with a Useful reaction."""
    t = team.lower()
    users = [person(uid, name, team=team) for uid, name in PEOPLE]
    where = {"team": team, "user_team": team, "source_team": team}
    useful = [{"name": "+1", "users": ["U3", "U5"], "count": 2}]
    messages = {
        "general": [
            message("U1", f"{AT - 3600:.6f}", f"imported {t}-only <{SHARED_URL}>", **where),
            message(
                "U2",
                f"{AT - 1800:.6f}",
                f"<https://{t}.example/imported>",
                reactions=useful,
                **where,
            ),
        ],
        f"ops-{t}": [message("U4", f"{AT - 900:.6f}", f"<https://{t}.example/imp-ops>", **where)],
    }
    public = [
        channel(cid, f"{name}-{t}" if cid == "C3" else name, [u for u, _ in PEOPLE])
        for cid, name, _ in CHANNELS
    ]
    return write_export(folder, users, messages, public=public)


async def test_an_import_into_one_workspace_touches_no_other(
    open_store: Opener, tmp_path: Path
) -> None:
    store = await seeded(open_store)
    before = await others(store, "T1")
    importer = Importer(store, CONFIG, str(export_of(tmp_path / "export", "T1")), "T1")
    importer.progress = Progress(None)
    summary = await asyncio.to_thread(importer.run)
    assert summary.team_id == "T1"
    assert summary.items >= 2
    assert await others(store, "T1") == before
    items = await store.export_items("T1")
    urls = [i["url"] for i in items]
    assert {"https://t1.example/imported", "https://t1.example/imp-ops"} <= set(urls)
    # The import's share of the common URL joined T1's link, no other workspace's.
    [common] = [i for i in items if i["url"] == SHARED_URL and i["kind"] == "link"]
    assert len(common["shares"]) == 2
    assert leaks(plain(store, items), "T1") == []


async def test_forgetting_a_person_in_one_workspace_forgets_nobody_elsewhere(
    open_store: Opener,
) -> None:
    """U1 (sam in every workspace) and U9 (who is only in T2 and T3) are forgotten in T1:
    T2's and T3's U1 and U9 keep everything, their names, shares, votes and digests."""
    store = await seeded(open_store)
    before = await others(store, "T1")
    for person_id in ("U1", "U9"):
        await forget(store, None, "T1", person_id)
    assert await others(store, "T1") == before
    assert await store.user("T1", "U1") is None
    counts = await store.person_counts("T1", "U1")
    assert (counts.shares, counts.votes) == (0, 0)
    for team in ("T2", "T3"):
        kept = await store.person_counts(team, "U1")
        assert (kept.shares, kept.votes) == (4, 1)
        assert await store.user(team, "U9") is not None


async def test_buttons_naming_another_workspaces_item_change_nothing_there(
    open_store: Opener,
) -> None:
    """Useful (and its undo), less like this, a learning's deletion and a note's sharing, by
    the same person id in T1, on T2's items: nothing of T2 moves, and T1 counts no vote."""
    store = await seeded(open_store)
    theirs = {i["kind"]: i["id"] for i in await store.export_items("T2")}
    assert await store.button_vote("T2", theirs["link"], "U5", "d:C1:1.0", AT) == "voted"
    before = await others(store, "T1")
    for item_id in theirs.values():
        assert await store.button_vote("T1", item_id, "U5", "d:C1:1.0", AT) == "gone"
        assert await store.less_like("T1", "U5", item_id, "domain", AT) is None
        assert await store.less_like("T1", "U5", item_id, "sharer", AT) is None
        assert not await store.delete_learning("T1", "U1", item_id)
        assert not await store.share_note("T1", "U1", item_id)
    assert not await store.button_unvote("T1", theirs["link"], "U5")  # T2's U5's press
    assert await others(store, "T1") == before
    assert (await store.person_counts("T1", "U5")).votes == 0


async def test_message_events_at_the_same_channel_and_ts_stay_in_their_workspace(
    open_store: Opener,
) -> None:
    """Each workspace's messages are at the same channels and ts: T2's reactions, flag, edit
    and deletion of one, and moving another, leave T1's and T3's as they were."""
    store = await seeded(open_store)
    before = await others(store, "T2")
    ts = f"{AT + 60:.6f}"
    assert [s["text"] for s in await store.shares_at("T1", "C1", ts)]
    assert await store.forwarded_items("T2", "C1", ts) != []
    await store.set_reaction("T2", "C1", ts, "U9", "+1", "useful", True)
    await store.set_reaction("T2", "C1", ts, "U3", "+1", "useful", False)
    assert await store.flag_message("T2", "C1", ts, "U2")
    edited = ShareInput("T2", "C1", ts, "U1", "edited t2-only", False)
    await store.save_message(
        edited, [ItemDraft("link", "link:https://t2.example/edit", url="https://t2.example/edit")]
    )
    await store.remove_message("T2", "C1", ts)
    assert await store.shares_at("T2", "C1", ts) == []
    lag = f"{AT + 120:.6f}"  # the second message, in C2, also at the same ts everywhere
    await store.move_message("T2", "C2", lag, f"{AT + 121:.6f}")
    assert await store.shares_at("T2", "C2", lag) == []
    assert await others(store, "T2") == before
