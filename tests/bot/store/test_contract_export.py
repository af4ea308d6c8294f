"""Reading captured data back is the same on SQLite and PostgreSQL: the export format (names,
private shares, voters, questions' answers), a message's shares, counts and retention."""

from __future__ import annotations

from bot.models import ItemDraft, UserInfo
from bot.store import Store
from tests.support.sharing import T, execute, link, share


async def test_the_export_reads_names_per_workspace_and_marks_private_shares(
    any_store: Store,
) -> None:
    await any_store.save_user(UserInfo(T, "U7", "ana"))
    await any_store.save_user(UserInfo("T2", "U7", "bo"))
    await any_store.save_message(share(ts="1.0", text="hi <@U7>"), [link()])
    await any_store.save_message(share(ts="2.0", text="hey <@U7>", team="T2"), [link()])
    await any_store.save_message(share(channel="G1", ts="3.0", private=True, text="psst"), [link()])
    first, second = await any_store.export_items()
    assert [s["text"] for s in first["shares"]] == ["hi @ana", "psst"]
    assert first["shares"][1] == {"user": "U1", "channel": "G1", "ts": "3.0", "text": "psst"} | {
        "private": True
    }
    assert "private" not in first["shares"][0]
    assert (first["text"], first["private"]) == ("hi @ana", False)
    assert second["shares"][0]["text"] == "hey @bo"
    assert [r["id"] for r in await any_store.export_items("T2")] == [second["id"]]
    assert await any_store.export_items("'; --") == []


async def test_voters_are_in_the_order_they_voted_then_by_id(any_store: Store) -> None:
    [item] = await any_store.save_message(share(ts="1.0"), [link()])
    for voter, at in (("U_b", 5.0), ("Ü", 5.0), ("U_a", 5.0), ("U0", 9.0), ("U%", 1.0)):
        await execute(
            any_store,
            "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
            f" VALUES ('T1', '{item}', '{voter}', 'save', 0, {at})",
        )
    await execute(
        any_store,
        "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
        f" VALUES ('T1', '{item}', 'U0', 'm:C1:1.0', 0, 2.0)",
    )
    assert (await any_store.export_items())[0]["votes"] == ["U%", "U0", "U_a", "U_b", "Ü"]


async def test_a_question_exports_whether_and_how_it_was_answered(any_store: Store) -> None:
    await any_store.save_user(UserInfo(T, "U3", "cy"))
    asked = ItemDraft("question", "question:q1", text="why 100%?")
    [open_item] = await any_store.save_message(share(ts="1.0", text="why 100%?"), [asked])
    answered = ItemDraft("question", "question:q2", text="how?")
    [done] = await any_store.save_message(share(ts="2.0", text="how?"), [answered])
    await execute(
        any_store,
        "INSERT INTO questions (id, team_id, asker, text, status, asked_at, item_id, best_text,"
        f" best_user) VALUES ('q2', 'T1', 'U1', 'how?', 'answered', 1.0, '{done}',"
        " 'ask <@U3>; it''s -- fine', 'U3')",
    )
    await execute(
        any_store,
        "INSERT INTO questions (id, team_id, asker, text, status, asked_at, item_id, best_text)"
        f" VALUES ('q1', 'T1', 'U1', 'why?', 'posted', 1.0, '{open_item}', 'not chosen yet')",
    )
    first, second = await any_store.export_items()
    assert (first["id"], first["answered"], first["answer"]) == (open_item, False, None)
    assert second["answer"] == {"text": "ask @cy; it's -- fine", "user": "U3"}
    assert second["answered"] is True
    await any_store.save_message(share(ts="3.0"), [link()])
    assert "answered" not in (await any_store.export_items())[2]  # not a question


async def test_a_message_s_shares_come_in_the_order_they_were_stored(any_store: Store) -> None:
    [older] = await any_store.save_message(share(ts="1.0"), [link("https://a.com/")])
    drafts = [link("https://z.com/"), link("https://a.com/")]
    [newer, same] = await any_store.save_message(share(ts="2.0", text="x", thread_ts="1.5"), drafts)
    assert same == older
    found = await any_store.shares_at(T, "C1", "2.0")
    assert [s["item_id"] for s in found] == [newer, older]
    assert found[0] == {
        "item_id": newer,
        "user": "U1",
        "text": "x",
        "source": "message",
        "is_private": 0,
        "thread_ts": "1.5",
    }
    assert await any_store.shares_at(T, "C1", "'; --") == []
