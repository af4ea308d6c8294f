"""The digest outbox and digest settings behave the same on SQLite and PostgreSQL (the contract
suite): rows planned once, claimed by one sender, settled only under its claim."""

from __future__ import annotations

from typing import Any

from bot.models import ChannelInfo, UserInfo
from bot.store import Store
from bot.store.sql import fatigue


def row(recipient: str, rnd: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "team_id": "T1",
        "recipient": recipient,
        "kind": "person",
        "period_key": "2026-W49",
        "round": rnd,
        "status": "pending",
        "payload": {"text": "hi", "view": '{"items": ["i1"]}'},
        "items": ["i1", "i2"],
        **extra,
    }


async def test_planned_once_claimed_once_sent_once(any_store: Store) -> None:
    assert await any_store.plan_digests([row("U1"), row("U2", credited=["U3"])], 1.0) == 2
    assert await any_store.plan_digests([row("U1")], 2.0) == 0  # the same key: left alone
    assert await any_store.plan_digests([row("U1", rnd=1)], 2.0) == 1  # --force: a new round
    first, second, _ = await any_store.outbox_rows("pending", "T1")
    assert (first.recipient, first.payload["text"], first.items) == ("U1", "hi", ("i1", "i2"))
    assert await any_store.claim_digest(first.id, "a", 3.0) == "claimed"
    assert await any_store.claim_digest(first.id, "b", 3.0) == "taken"
    assert await any_store.digest_sent(first.id, "b", "D9", "9.9", 4.0) == "taken"
    assert await any_store.digest_sent(first.id, "a", "D1", "123.4", 4.0) == "sent"
    assert await any_store.dm_channel("T1", "U1") == "D1"
    [sent] = await any_store.outbox_rows("sent", "T1")
    assert (sent.channel, sent.ts, sent.payload, sent.claimed_at) == ("D1", "123.4", {}, 3.0)
    planned = await any_store.planned_digests("T1", 5.0)
    assert planned[("U1", "2026-W49")] == (1, "pending")  # the highest round
    assert planned[("U2", "2026-W49")] == (0, "pending")
    assert await any_store.claim_digest(second.id, "c", 6.0) == "claimed"
    assert await any_store.digest_sent(second.id, "c", "C5", "7.7", 7.0) == "sent"
    assert await any_store.read_credits("T1", "U3") == [("C5", "7.7", '{"items": ["i1"]}')]
    assert await any_store.dm_channel("T1", "U2") is None  # a channel post teaches no DM


async def test_unwanted_rows_are_dropped_when_claimed(any_store: Store) -> None:
    await any_store.plan_digests([row("U1", expires_at=10.0), row("U2"), row("U3")], 1.0)
    await any_store.set_opt_out("T1", "U2", True)
    await any_store.set_digest_cadence("T1", "U3", "off")
    expired, opted_out, off = await any_store.outbox_rows("pending", "T1")
    assert await any_store.claim_digest(expired.id, "a", 10.0) == "dropped"
    assert await any_store.claim_digest(opted_out.id, "a", 2.0) == "dropped"
    assert await any_store.claim_digest(off.id, "a", 2.0) == "dropped"
    assert [r.payload for r in await any_store.outbox_rows("dropped", "T1")] == [{}, {}, {}]


async def test_a_channel_digest_is_dropped_once_archived(any_store: Store) -> None:
    await any_store.save_channel(ChannelInfo("T1", "C1", "general", is_archived=True))
    await any_store.plan_digests([row("C1", kind="channel")], 1.0)
    [pending] = await any_store.outbox_rows("pending", "T1")
    assert await any_store.claim_digest(pending.id, "a", 2.0) == "dropped"


async def test_take_over_release_and_failure_need_the_claim(any_store: Store) -> None:
    await any_store.plan_digests([row("U1"), row("U2")], 1.0)
    one, two = await any_store.outbox_rows("pending", "T1")
    await any_store.claim_digest(one.id, "gone", 2.0)
    assert await any_store.take_over_digest(one.id, "other", "new", 3.0) is False
    assert await any_store.take_over_digest(one.id, "gone", "new", 3.0) is True
    assert await any_store.take_over_digest(one.id, "gone", "newer", 3.0) is False  # once
    await any_store.release_digest(one.id, "gone", "429", 4.0)  # not its claim any more
    assert [r.id for r in await any_store.outbox_rows("sending", "T1")] == [one.id]
    await any_store.release_digest(one.id, "new", "429", 4.0)
    [again, _] = await any_store.outbox_rows("pending", "T1")
    assert (again.id, again.error, again.claim, again.claimed_at) == (one.id, "429", None, 2.0)
    await any_store.claim_digest(two.id, "b", 5.0)
    await any_store.digest_failed(two.id, "b", "x" * 600, 6.0)
    [failed] = await any_store.outbox_rows("failed", "T1")
    assert failed.error == "x" * 500


async def test_digest_views_and_credits(any_store: Store) -> None:
    await any_store.credit_digest("T1", "U1", "C1", "1.0")
    await any_store.credit_digest("T1", "U1", "C1", "1.0")  # again: one credit
    await any_store.digest_view_changed("T1", "C1", "1.0", '{"v": 1}')
    await any_store.digest_view_changed("T1", "C1", "1.0", '{"v": 2}')
    assert await any_store.read_credits("T1", "U1") == [("C1", "1.0", '{"v": 2}')]
    await any_store.digest_view_changed("T1", "C1", "1.0", None)
    assert await any_store.read_credits("T1", "U1") == [("C1", "1.0", None)]


async def test_digest_settings_and_people(any_store: Store) -> None:
    assert await any_store.digest_cadence("T1", "U1") == "weekly"
    await any_store.set_digest_cadence("T1", "U1", "daily")
    assert await any_store.digest_cadence("T1", "U1") == "daily"
    await any_store.learn_dm("T1", "U1", "D1")
    await any_store.learn_dm("T1", "U1", "D2")
    assert await any_store.dm_channel("T1", "U1") == "D2"
    await any_store.set_opt_out("T1", "U9", True)
    people = [UserInfo("T1", "U1", "ada"), UserInfo("T1", "U9", "nobody")]
    assert await any_store.save_users(people) == 1
    assert await any_store.user("T1", "U9") is None
    await any_store.save_channel(ChannelInfo("T2", "C2", "general"))
    await any_store.save_channel(ChannelInfo("T1", "C1", "general"))
    assert await any_store.channel_by_name("general") == "C1"
    assert await any_store.channel_by_name("nope") is None
    assert await any_store.less_liked("T1", "U1") == []
    assert not await any_store.undo_less_like("T1", "U1", "domain", "a.com")
    await any_store.note_person_activity("T1", "U1", 5.0)
    await any_store.note_person_activity("T1", "U1", 3.0)  # older: the newest stays
    await any_store.record_click("T1", "U1", None, "open", 5.0)


async def test_fatigue_moves_to_monthly_and_a_press_moves_back(any_store: Store) -> None:
    """Four unpressed digests make a weekly person tired; a planned digest marked `to_monthly`
    moves them; any press brings a moved person back; a chosen monthly stays."""
    for week in range(4):
        await any_store.plan_digests([row("U1", period_key=f"2026-W{40 + week}")], 10.0 + week)
        await any_store.plan_digests([row("U2", period_key=f"2026-W{40 + week}")], 10.0 + week)
    for n, pending in enumerate(await any_store.outbox_rows("pending", "T1")):
        assert await any_store.claim_digest(pending.id, "a", 20.0) == "claimed"
        await any_store.digest_sent(pending.id, "a", "D1", f"1.{n}", 21.0)
    await any_store.record_click("T1", "U2", None, "settings", 22.0)
    assert await any_store._read(fatigue.tired, "T1", 30.0) == {"U1"}
    await any_store.plan_digests([row("U1", period_key="2026-W44", to_monthly=True)], 30.0)
    assert await any_store.digest_cadence("T1", "U1") == "monthly"
    assert await any_store._read(fatigue.tired, "T1", 31.0) == set()  # monthly now
    await any_store.record_click("T1", "U1", None, "settings", 31.5)  # only opens settings
    assert await any_store.digest_cadence("T1", "U1") == "monthly"
    await any_store.record_click("T1", "U1", "i1", "useful", 32.0)
    assert await any_store.digest_cadence("T1", "U1") == "weekly"
    assert not await any_store.keep_weekly("T1", "U1")  # moved back already: nothing to keep
    await any_store.plan_digests([row("U1", period_key="2026-W45", to_monthly=True)], 40.0)
    assert await any_store.keep_weekly("T1", "U1")
    assert await any_store.digest_cadence("T1", "U1") == "weekly"
    await any_store.set_digest_cadence("T1", "U2", "monthly")
    await any_store.record_click("T1", "U2", "i1", "useful", 33.0)
    assert await any_store.digest_cadence("T1", "U2") == "monthly"  # their own choice stays


async def test_fatigue_moves_only_with_a_digest_planned_now_and_unused_since(
    any_store: Store,
) -> None:
    """A digest that says "monthly from now on" moves its reader only when its row is planned
    by this run (not one planned before for the same key) and the reader pressed or chose
    nothing after it was composed."""
    await any_store.plan_digests([row("U1", period_key="2026-W46")], 10.0)
    tired = row("U1", period_key="2026-W46", to_monthly=True, tired_as_of=11.0)
    assert await any_store.plan_digests([tired], 12.0) == 0  # planned before: left alone
    assert await any_store.digest_cadence("T1", "U1") == "weekly"
    await any_store.record_click("T1", "U1", "i1", "useful", 20.5)  # after it was composed
    tired = row("U1", period_key="2026-W47", to_monthly=True, tired_as_of=20.0)
    assert await any_store.plan_digests([tired], 21.0) == 1
    assert await any_store.digest_cadence("T1", "U1") == "weekly"
    await any_store.set_digest_cadence("T1", "U2", "weekly")  # chosen at the store's clock
    tired = row("U2", period_key="2026-W47", to_monthly=True, tired_as_of=0.5)
    assert await any_store.plan_digests([tired], 21.0) == 1
    assert await any_store.digest_cadence("T1", "U2") == "weekly"
    tired = row("U1", period_key="2026-W48", to_monthly=True, tired_as_of=30.0)
    assert await any_store.plan_digests([tired], 31.0) == 1
    assert await any_store.digest_cadence("T1", "U1") == "monthly"


async def test_a_deposed_leader_can_neither_claim_nor_take_over(any_store: Store) -> None:
    await any_store.plan_digests([row("U1"), row("U2"), row("U3")], 1.0)
    first, second, third = await any_store.outbox_rows("pending", "T1")
    old = await any_store.become_leader("a:1")
    assert await any_store.claim_digest(first.id, "a", 2.0, old) == "claimed"
    new = await any_store.become_leader("b:2")  # a succeeded; a may still be running
    assert await any_store.claim_digest(second.id, "a", 3.0, old) == "deposed"
    assert not await any_store.take_over_digest(first.id, "a", "a2", 3.0, old)
    assert await any_store.claim_digest(third.id, "b", 3.0, new) == "claimed"
    left = {r.id: r for r in await any_store.outbox_rows("sending", "T1")}
    assert (left[first.id].claim_epoch, left[third.id].claim_epoch) == (old, new)
    assert await any_store.take_over_digest(first.id, "a", "b", 4.0, new)
    [taken] = [r for r in await any_store.outbox_rows("sending", "T1") if r.id == first.id]
    assert (taken.claim, taken.claim_epoch) == ("b", new)
    assert [r.id for r in await any_store.outbox_rows("pending", "T1")] == [second.id]
    assert await any_store.claim_digest(second.id, "x", 5.0) == "claimed"  # no epoch: not fenced
