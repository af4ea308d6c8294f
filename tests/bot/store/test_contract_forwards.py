"""What a forward re-shares is the same on SQLite and PostgreSQL: the public links and
learnings of the message it points at, never a private, opted-out or question item; and a
forward goes when the original does."""

from __future__ import annotations

from bot.models import ChannelInfo, ItemDraft
from bot.store import Store
from tests.support.sharing import T, learning, link, share


async def test_a_forward_reshares_public_links_and_learnings_only(any_store: Store) -> None:
    odd = link("https://b.com/?q='%_ü", title="'; DROP TABLE items; --")
    drafts = [link("https://c.com/"), odd, learning("C1:1.0", "TIL z"), link("https://a.com/")]
    await any_store.save_message(share(ts="1.0"), drafts)
    found = await any_store.forwarded_items(T, "C1", "1.0")
    assert [d.key for d in found] == [
        "link:https://a.com/",
        "link:https://b.com/?q='%_ü",
        "link:https://c.com/",
        "learning:C1:1.0",
    ]
    assert found[1].title == "'; DROP TABLE items; --"
    assert await any_store.forwarded_items(T, "C1", "2.0") == []
    assert await any_store.forwarded_items("T2", "C1", "1.0") == []


async def test_no_private_opted_out_or_question_item_is_forwarded(any_store: Store) -> None:
    await any_store.save_message(share(channel="G1", ts="1.0", private=True), [link()])
    await any_store.save_message(share(channel="C2", ts="1.0"), [link()])
    await any_store.save_channel(ChannelInfo(T, "C2", "now-private", is_private=True))
    await any_store.save_message(share(channel="C3", ts="1.0", user="U5"), [link()])
    await any_store.set_opt_out(T, "U5", True)
    question = ItemDraft("question", "question:q1", text="why?")
    await any_store.save_message(share(channel="C4", ts="1.0"), [question])
    note = share(channel="", ts="1.0", private=True, source="til")
    await any_store.save_learning(note, learning("@U1:1.0", "mine"), "U1")
    for channel in ("G1", "C2", "C3", "C4", ""):
        assert await any_store.forwarded_items(T, channel, "1.0") == [], channel


async def test_a_forward_goes_with_its_original(any_store: Store) -> None:
    [item] = await any_store.save_message(share(ts="1.0"), [link()])
    [forwarded] = await any_store.forwarded_items(T, "C1", "1.0")
    forward = share(channel="C9", ts="5.0", user="U2", text="fwd", source="forward")
    assert await any_store.save_message(forward, [forwarded]) == [item]
    assert len((await any_store.export_items())[0]["shares"]) == 2
    await any_store.remove_message(T, "C1", "1.0")
    assert await any_store.export_items() == []
    assert await any_store.shares_at(T, "C9", "5.0") == []
