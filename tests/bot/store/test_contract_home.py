"""Home's queries give the same answers on SQLite and PostgreSQL (the contract suite), on rows
written straight into the tables: items, shares, votes and flags as capture leaves them."""

from __future__ import annotations

from typing import Any

from bot.store import Store
from bot.store.sql.home import PersonCounts
from tests.bot.store.seed import insert

T = "T1"
ODD = "U'; DROP TABLE shares; --"  # a careless id, quoted everywhere
WEEK = 7 * 86400.0


def item(item_id: str, kind: str = "link", title: str | None = None) -> dict[str, Any]:
    url = f"https://{item_id}.io/" if kind == "link" else None
    key = f"{kind}:{url or item_id}"
    text = None if kind == "link" else f"TIL {item_id}"
    return {
        "id": item_id,
        "team_id": T,
        "key": key,
        "kind": kind,
        "url": url,
        "title": title,
        "text": text,
        "created_ts": "1.0",
    }


def share(item_id: str, channel: str, ts: float, user: str | None, **kw: Any) -> dict[str, Any]:
    row = {
        "team_id": T,
        "item_id": item_id,
        "channel": channel,
        "ts": f"{ts:.6f}",
        "at": ts,
        "user": user,
        "text": kw.pop("text", "words"),
        "is_private": 0,
        "source": "message",
    }
    return row | kw


def vote(item_id: str, voter: str, via: str, at: float, private: int = 0) -> dict[str, Any]:
    return {
        "team_id": T,
        "item_id": item_id,
        "voter": voter,
        "via": via,
        "is_private": private,
        "at": at,
    }


def flag(item_id: str, flagger: str, at: float) -> dict[str, Any]:
    return {
        "team_id": T,
        "item_id": item_id,
        "flagger": flagger,
        "via": f"m:C1:{at}",
        "is_private": 0,
        "at": at,
    }


async def test_my_items_newest_first_with_where_each_is_seen(any_store: Store) -> None:
    await insert(
        any_store, "items", [item("a"), item("b"), item("p", title="Face"), item("l", "learning")]
    )
    await insert(
        any_store,
        "shares",
        [
            share("a", "C1", 100, "U1"),
            share("b", "C1", 200, "U2", saved_by="U1", source="save"),
            share("p", "G1", 150, "U3", is_private=1, title="Their title", text="private"),
            share("l", "", 250, "U1", is_private=1, text="a personal note"),
            share("a", "C2", 50, "U4"),
        ],
    )
    await insert(
        any_store,
        "votes",
        [
            vote("p", "U1", "save", 300, private=1),  # saved: the private share's channel
            vote("p", "U4", "m:G1:150.000000", 160, private=1),
            vote("a", "U2", "m:C1:100.000000", 110),
            vote("a", "U2", "d:C9:1.0", 120),
            vote("b", "U9", "save", 130, private=1),  # no private share of b: left out
        ],
    )
    mine = await any_store.my_items(T, "U1")
    assert [m.item.item_id for m in mine] == ["p", "l", "b", "a"]
    p, note, b, a = mine
    assert (p.channel, p.private, p.shared, p.deletable) == ("G1", True, False, False)
    assert p.voters == (("U1", "G1"), ("U4", "G1"))
    assert (p.item.title, p.item.text) == ("Their title", "private")
    assert (note.channel, note.private, note.shared, note.deletable) == ("", True, True, True)
    assert (b.channel, b.shared, b.voters) == ("C1", False, ())
    assert (a.channel, a.private, a.shared) == ("C1", False, True)  # their own share is shown
    assert a.voters == (("U2", ""),)
    assert [m.item.item_id for m in await any_store.my_items(T, "U1", limit=2)] == ["p", "l"]
    assert await any_store.my_items(T, ODD) == []
    assert await any_store.my_items("T2", "U1") == []


async def test_my_items_ties_break_by_item_id_bytewise(any_store: Store) -> None:
    ids = ["a", "B", "_", "é", "%"]
    await insert(any_store, "items", [item(i) for i in ids])
    await insert(any_store, "shares", [share(i, "C1", 100, "U1") for i in ids])
    assert [m.item.item_id for m in await any_store.my_items(T, "U1")] == ["é", "a", "_", "B", "%"]


async def test_top_items_count_public_votes_of_public_items_and_skip_flagged(
    any_store: Store,
) -> None:
    await insert(any_store, "items", [item(i) for i in ("a", "b", "c", "p", "f")])
    await insert(
        any_store,
        "shares",
        [
            share("a", "C1", 10, "U1"),
            share("b", "C1", 11, "U1"),
            share("c", "C2", 12, "U1"),
            share("p", "G1", 13, "U1", is_private=1),
            share("f", "C1", 14, "U1"),
        ],
    )
    votes = [vote("a", v, f"m:C1:{v}", 100) for v in ("U2", "U3")]
    votes += [vote("a", "U2", "d:C1:1", 101)]  # the same voter twice counts once
    votes += [vote("b", "U2", "m:C1:b", 105), vote("c", "U3", "m:C2:c", 104)]  # tie: newest first
    votes += [vote("p", v, "m:G1:p", 100, private=1) for v in ("U2", "U3", "U4")]
    votes += [vote("f", v, "m:C1:f", 100) for v in ("U2", "U3", "U4")]
    votes += [vote("c", "U7", "m:C2:old", 1)]  # before `since`
    await insert(any_store, "votes", votes)
    await insert(any_store, "flags", [flag("f", u, 1) for u in ("U5", "U6", "U7")])
    top = await any_store.top_items(T, 50)
    assert [(i.item_id, i.votes) for i in top] == [("a", 2), ("b", 1), ("c", 1)]
    assert [i.url for i in top] == ["https://a.io/", "https://b.io/", "https://c.io/"]
    assert [i.item_id for i in await any_store.top_items(T, 50, limit=1)] == ["a"]
    assert await any_store.top_items(T, 1000) == []
    await insert(any_store, "flags", [flag("a", u, 2) for u in ("U5", "U6")])  # two: stays
    assert [i.item_id for i in await any_store.top_items(T, 50)] == ["a", "b", "c"]


async def test_person_counts(any_store: Store) -> None:
    assert await any_store.person_counts(T, "U1") == PersonCounts(0, 0, 0, 0, 0, 0, 0)
    await insert(any_store, "items", [item(i) for i in ("a", "b", "c")])
    await insert(
        any_store,
        "shares",
        [
            share("a", "C1", 1, "U1"),
            share("a", "C2", 2, "U1"),
            share("b", "C1", 3, "U2", saved_by="U1"),
            share("c", "C1", 4, "U2"),
        ],
    )
    await insert(
        any_store,
        "votes",
        [vote("b", "U1", "save", 5), vote("c", "U1", "save", 5), vote("c", "U1", "m:C1:4", 6)],
    )
    await insert(any_store, "flags", [flag("c", "U1", 7), flag("c", "U1", 8)])
    question = {"team_id": T, "asker": "U1", "text": "why?", "status": "open", "asked_at": 1.0}
    await insert(any_store, "questions", [question | {"id": "q1"}, question | {"id": "q2"}])
    reply = {"team_id": T, "channel": "C1", "thread_ts": "1.0", "user": "U1", "at": 2.0}
    await insert(any_store, "replies", [reply | {"ts": "2.0"}])
    mark = {"team_id": T, "user": "U1", "channel": "C1", "text": "x", "at": 3.0}
    await insert(any_store, "bookmarks", [mark | {"ts": "1.0"}, mark | {"ts": "2.0"}])
    assert await any_store.person_counts(T, "U1") == PersonCounts(2, 2, 2, 1, 2, 1, 2)
    assert await any_store.person_counts(T, ODD) == PersonCounts(0, 0, 0, 0, 0, 0, 0)


async def test_welcome_is_claimed_once_and_never_for_the_opted_out(any_store: Store) -> None:
    assert await any_store.claim_welcome(T, "U1")
    assert not await any_store.claim_welcome(T, "U1")
    assert await any_store.claim_welcome("T2", "U1")
    await any_store.set_opt_out(T, "U2", True)
    assert not await any_store.claim_welcome(T, "U2")
    settings = {"team_id": T, "user_id": ODD, "digest": "weekly"}  # a row without a welcome
    await insert(any_store, "person_settings", [settings])
    assert await any_store.claim_welcome(T, ODD)
    assert not await any_store.claim_welcome(T, ODD)


async def test_digest_standing(any_store: Store) -> None:
    assert await any_store.digest_standing(T, "U1", 100) == (None, False)
    await insert(any_store, "person_settings", [{"team_id": T, "user_id": "U1", "digest": "daily"}])
    assert await any_store.digest_standing(T, "U1", 100) == ("daily", False)
    await insert(any_store, "activity", [{"team_id": T, "user_id": "U1", "at": 150.0}])
    assert await any_store.digest_standing(T, "U1", 100) == ("daily", True)
    assert await any_store.digest_standing(T, "U1", 151) == ("daily", False)
    await insert(any_store, "items", [item("a")])
    await insert(any_store, "shares", [share("a", "C1", 200, "U2")])
    await insert(any_store, "votes", [vote("a", "U3", "d:C1:1", 300)])
    assert await any_store.digest_standing(T, "U2", 200) == (None, True)
    assert await any_store.digest_standing(T, "U3", 300) == (None, True)
    assert await any_store.digest_standing(T, "U3", 300.5) == (None, False)


async def test_learning_network(any_store: Store) -> None:
    await insert(any_store, "items", [item(i) for i in ("a", "b", "c", "m")])
    await insert(
        any_store,
        "shares",
        [
            share("a", "C1", 1, "U2"),
            share("b", "C1", 2, "U2"),
            share("c", "C1", 3, "U3"),
            share("m", "C1", 4, "U1"),
            share("m", "G1", 5, "U9", is_private=1),
        ],
    )
    await insert(
        any_store,
        "votes",
        [
            vote("a", "U1", "m:C1:1", 10),
            vote("b", "U1", "d:C1:2", 11),  # any public vote counts for whom U1 found useful
            vote("c", "U1", "m:C1:3", 12),
            vote("m", "U4", "m:C1:4", 13),
            vote("m", "U5", "M:C1:4", 14),  # SQLite's LIKE ignores case: PostgreSQL's must too
            vote("m", "U6", "d:C1:4", 15),  # a digest press nobody saw: not named
            vote("m", "U7", "m:G1:5", 16, private=1),
        ],
    )
    mine, theirs = await any_store.learning_network(T, "U1")
    assert mine == [("U2", 2), ("U3", 1)]
    assert theirs == [("U4", 1), ("U5", 1)]
    assert await any_store.learning_network(T, "U1", limit=1) == ([("U2", 2)], [("U4", 1)])
    assert await any_store.learning_network(T, ODD) == ([], [])


async def test_delete_learning_takes_the_authors_message_and_its_reactions(
    any_store: Store,
) -> None:
    await insert(any_store, "items", [item("l", "learning"), item("k"), item("o", "learning")])
    await insert(
        any_store,
        "shares",
        [
            share("l", "C1", 1, "U1"),
            share("k", "C1", 1, "U1"),
            share("k", "C2", 2, "U3"),
            share("o", "C1", 3, "U2"),
        ],
    )
    reaction = {"team_id": T, "channel": "C1", "ts": "1.000000", "emoji": "+1", "kind": "useful"}
    await insert(any_store, "reactions", [reaction | {"user": "U2"}])
    assert not await any_store.delete_learning(T, "U2", "l")  # not U2's
    assert not await any_store.delete_learning(T, "U1", "k")  # not a learning
    assert not await any_store.delete_learning(T, "U1", "o")  # U2's learning
    assert not await any_store.delete_learning("T2", "U1", "l")
    assert await any_store.delete_learning(T, "U1", "l")
    counts = await any_store.counts(T)
    assert (counts["items"], counts["shares"], counts["reactions"]) == (2, 2, 0)
    assert not await any_store.delete_learning(T, "U1", "l")
