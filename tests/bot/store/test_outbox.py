"""The outbox: rows planned once, claimed once, and forgotten with the person."""

from __future__ import annotations

from bot.store import Store


def row(recipient: str, key: str = "2026-W49", rnd: int = 0) -> dict[str, object]:
    return {
        "team_id": "T1",
        "recipient": recipient,
        "kind": "person",
        "period_key": key,
        "round": rnd,
        "status": "pending",
        "payload": {"text": "hi"},
        "items": ["i1"],
    }


async def test_planned_once_claimed_once_sent_with_items(store: Store) -> None:
    assert await store.plan_digests([row("U1"), row("U2")], 1.0) == 2
    assert await store.plan_digests([row("U1")], 2.0) == 0  # the same key again: ignored
    first, _ = await store.outbox_rows("pending", "T1")
    assert await store.claim_digest(first.id, "a", 3.0) == "claimed"
    assert await store.claim_digest(first.id, "b", 3.0) == "taken"  # another sender lost the race
    assert await store.digest_sent(first.id, "b", "D9", "9.9", 4.0) == "taken"  # not b's claim
    assert await store.digest_sent(first.id, "a", "D1", "123.4", 4.0) == "sent"
    assert await store.dm_channel("T1", "U1") == "D1"
    planned = await store.planned_digests("T1", 5.0)
    assert planned[("U1", "2026-W49")] == (0, "sent")
    assert planned[("U2", "2026-W49")][1] == "pending"


async def test_forget_me_deletes_queued_digests(store: Store) -> None:
    await store.plan_digests([row("U1"), row("U2")], 1.0)
    await store.learn_dm("T1", "U1", "D1")
    await store.note_person_activity("T1", "U1", 5.0)
    await store.forget_person("T1", "U1")
    assert [r.recipient for r in await store.outbox_rows(None, "T1")] == ["U2"]
    assert await store.dm_channel("T1", "U1") is None
