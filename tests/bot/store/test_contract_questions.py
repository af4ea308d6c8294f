"""Questions asked with /ask behave the same on SQLite and PostgreSQL (the contract suite):
posting, replies, best answers, routing and its loop, forget-me and "Can you help?"."""

from __future__ import annotations

import pytest

from bot.store import ExpertRules, Question, Reply, Store
from bot.store.sql import help_wanted, questions
from tests.support.clock import START

T = "T1"
HOSTILE = "it's 100% o'clock; -- DROP TABLE questions; _x_ \"quoted\" ünïcødé 🦭"
CARD = "1780315300.000100"
WEEK = 7 * 86400.0


async def posted(
    store: Store,
    text: str = "who knows terraform state locking?",
    ts: str = CARD,
    at: float = START + 100,
    asker: str = "U1",
    anon: bool = False,
    team: str = T,
    private: bool = False,
) -> Question:
    """A question asked and posted as a card at `ts`."""
    question_id = await store.create_question(team, asker, anon, text, "C1")
    assert await store.claim_question_post(question_id)
    await store.question_posted(question_id, "C1", ts, private, at, f"https://x/{ts}")
    question = await store.question(question_id)
    assert question is not None
    return question


def reply(ts: str, user: str, text: str, at: float, thread: str = CARD) -> Reply:
    return Reply("C1", thread, ts, user, text, at)


async def test_a_question_is_kept_posted_once_and_found_by_its_card(any_store: Store) -> None:
    question_id = await any_store.create_question(T, "U1", True, HOSTILE, "C1")
    pending = await any_store.question(question_id)
    assert pending is not None
    assert (pending.text, pending.status, pending.anon, pending.is_private) == (
        HOSTILE,
        "pending",
        True,
        False,
    )
    assert pending.asked_at >= START
    assert await any_store.claim_question_post(question_id)
    assert not await any_store.claim_question_post(question_id)  # a double click posts once
    await any_store.question_posted(question_id, "G1", CARD, True, START + 5, "https://x/p1")
    card = await any_store.question_at_card(T, "G1", CARD)
    assert card is not None
    assert (card.id, card.status, card.channel, card.ts) == (question_id, "open", "G1", CARD)
    assert (card.is_private, card.posted_at, card.permalink) == (True, START + 5, "https://x/p1")
    assert await any_store.question_at_card("T2", "G1", CARD) is None
    assert await any_store.question_at_card(T, "G1", "'; --") is None
    await any_store.set_chooser(question_id, "D1", "9.0")
    chosen = await any_store.question(question_id)
    assert chosen is not None
    assert (chosen.chooser_channel, chosen.chooser_ts) == ("D1", "9.0")
    await any_store.question_unposted(question_id)
    assert (await any_store.question(question_id) or card).status == "unposted"
    for odd in ("", "nope", "'; DROP TABLE questions; --", "%", "q_"):
        assert await any_store.question(odd) is None
        assert not await any_store.claim_question_post(odd)


async def test_open_questions_are_newest_first_per_workspace(any_store: Store) -> None:
    old = await posted(any_store, "old?", "1.0", START + 10)
    tied_first = await any_store.create_question(T, "U1", False, "tied first?", "C1")
    tied_second = await any_store.create_question(T, "U1", False, "tied second?", "C1")
    for question_id, ts in ((tied_second, "3.0"), (tied_first, "2.0")):  # posted in reverse
        await any_store.question_posted(question_id, "C1", ts, False, START + 20)
    await posted(any_store, "elsewhere?", "4.0", START + 30, team="T2")
    dropped = await posted(any_store, "dropped?", "5.0", START + 40)
    await any_store.question_unposted(dropped.id)
    await any_store.create_question(T, "U1", False, "never posted?", "C1")
    found = await any_store.open_questions(T)
    # Equal posting times: the later asked first, as SQLite's table order has it.
    assert [q.id for q in found] == [tied_second, tied_first, old.id]
    assert [q.id for q in await any_store.open_questions(T, limit=1)] == [tied_second]
    assert await any_store.open_questions("T3") == []


async def test_replies_are_kept_edited_and_listed_without_the_askers(any_store: Store) -> None:
    question = await posted(any_store)
    assert question.first_reply_at is None
    asker_first = reply("1780315301.0", "U1", "any ideas?", START + 101)
    kept = await any_store.add_reply(T, asker_first)
    assert kept is not None
    assert kept.first_reply_at is None  # the asker's own reply is no answer
    late = reply("1780315310.0", "U3", "ask ops", START + 110)
    await any_store.add_reply(T, late)
    # Same moment, timestamps that sort differently as text than as numbers: bytewise order.
    await any_store.add_reply(T, reply("9.5", "U2", HOSTILE, START + 105))
    await any_store.add_reply(T, reply("10.5", "U2", "%_%", START + 105))
    answered = await any_store.question(question.id)
    assert answered is not None
    assert answered.first_reply_at == START + 110  # the first reply to arrive, kept
    listed = await any_store.replies_of(answered)
    assert [(r.ts, r.user, r.text) for r in listed] == [
        ("10.5", "U2", "%_%"),
        ("9.5", "U2", HOSTILE),
        ("1780315310.0", "U3", "ask ops"),
    ]
    await any_store.add_reply(T, reply("1780315310.0", "U3", "ask ops (edited)", START + 999))
    edited = await any_store.reply_at(T, "C1", "1780315310.0")
    assert edited == reply("1780315310.0", "U3", "ask ops (edited)", START + 110)
    assert await any_store.reply_at("T2", "C1", "1780315310.0") is None
    gone = await any_store.remove_reply(T, "C1", "9.5")
    assert gone is not None
    assert gone.id == question.id
    assert await any_store.reply_at(T, "C1", "9.5") is None
    assert await any_store.remove_reply(T, "C1", "9.5") is None
    assert await any_store.remove_reply(T, "C1", "'; --") is None


async def test_replies_elsewhere_are_not_kept(any_store: Store) -> None:
    assert await any_store.add_reply(T, reply("2.0", "U2", "hi", START, thread="1.0")) is None
    question_id = await any_store.create_question(T, "U1", False, "pending?", "C1")
    pending = await any_store.question(question_id)
    assert pending is not None
    # A pending question has no card yet: a thread that happens to share its channel is not it.
    assert await any_store.add_reply(T, reply("2.0", "U2", "hi", START, thread=CARD)) is None
    question = await posted(any_store, ts="7.0")
    await any_store.question_unposted(question.id)
    assert await any_store.add_reply(T, reply("8.0", "U2", "hi", START, thread="7.0")) is None
    assert await any_store.reply_at(T, "C1", "8.0") is None


async def test_a_best_answer_answers_the_question_until_taken_back(any_store: Store) -> None:
    question = await posted(any_store, HOSTILE)
    best = reply("1780315320.0", "U2", "use a lock table", START + 120)
    await any_store.add_reply(T, best)
    answered = await any_store.mark_best_answer(question.id, best, START + 130)
    assert answered is not None
    assert (answered.status, answered.answered_at) == ("answered", START + 130)
    assert (answered.best_ts, answered.best_user, answered.best_text) == (
        best.ts,
        "U2",
        "use a lock table",
    )
    assert answered.item_id is not None
    assert (await any_store.counts(T))["items"] == 1  # the question, searchable
    assert (await any_store.counts(T))["shares"] == 1
    again = await any_store.mark_best_answer(question.id, best, START + 140)
    assert again is not None
    assert (again.answered_at, again.item_id) == (START + 130, answered.item_id)
    edited = await any_store.add_reply(T, reply(best.ts, "U2", "use DynamoDB locks", START))
    assert edited is not None
    assert edited.best_text == "use DynamoDB locks"  # the best answer follows its edits
    await any_store.unmark_best_answer(question.id)
    opened = await any_store.question(question.id)
    assert opened is not None
    assert (opened.status, opened.answered_at, opened.best_ts, opened.item_id) == (
        "open",
        None,
        None,
        None,
    )
    assert (await any_store.counts(T))["items"] == 0  # no longer an item
    await any_store.mark_best_answer(question.id, best, START + 150)
    gone = await any_store.remove_reply(T, "C1", best.ts)  # a deleted best answer is no more
    assert gone is not None
    reopened = await any_store.question(question.id)
    assert reopened is not None
    assert (reopened.status, reopened.best_user, reopened.item_id) == ("open", None, None)
    assert (await any_store.counts(T))["items"] == 0
    await any_store.unmark_best_answer("nope")  # nothing to take back


async def test_an_unposted_question_takes_no_best_answer(any_store: Store) -> None:
    question_id = await any_store.create_question(T, "U1", False, "pending?", "C1")
    best = reply("2.0", "U2", "x", START)
    assert await any_store.mark_best_answer(question_id, best, START) is None  # no card yet
    assert await any_store.mark_best_answer("nope", best, START) is None


async def test_routing_counts_under_the_cap_and_once_per_person(any_store: Store) -> None:
    first = await posted(any_store, "first?", "1.0")
    second = await posted(any_store, "second?", "2.0")
    third = await posted(any_store, "third?", "3.0")
    rules = ExpertRules(frozenset(), None, 2, START - WEEK)
    assert await any_store.claim_routing(first, "U2", 1, START + 1, rules)
    assert not await any_store.claim_routing(first, "U2", 2, START + 2, rules)  # already routed
    assert await any_store.claim_routing(second, "U2", 1, START + 3, rules)
    assert not await any_store.claim_routing(third, "U2", 1, START + 4, rules)  # the cap
    later = ExpertRules(frozenset(), None, 2, START + 2)  # an older routing falls out of the week
    assert not await any_store.claim_routing(third, "U2", 1, START + 4, later, START + 3)
    assert await any_store.claim_routing(third, "U2", 1, START + 4, later, START + 3.5)
    assert await any_store.routed_to(first.id) == {"U2"}
    await any_store.release_routing(first, "U2")  # the DM failed: it does not count
    assert await any_store.routed_to(first.id) == set()
    assert await any_store.claim_routing(first, "U3", 2, START + 5, rules)
    assert await any_store.routing_round(first.id, "U3") == 2
    assert await any_store.routing_round(first.id, "U2") == 0
    assert await any_store.routed_since(T, START + 3) == {"U2", "U3"}
    assert await any_store.routed_since(T, START + 6) == set()
    assert await any_store.routed_since("T2", 0.0) == set()
    assert await any_store._read(questions.routed_count, T, "U2", 0.0) == 2


async def test_a_routed_person_answers_once(any_store: Store) -> None:
    question = await posted(any_store)
    rules = ExpertRules(frozenset(), None, 3, 0.0)
    await any_store.claim_routing(question, "U2", 1, START + 1, rules)
    assert await any_store.answer_routing(question.id, "U2", "claimed") is None
    assert await any_store.answer_routing(question.id, "U2", "declined") == "claimed"
    assert await any_store.answer_routing(question.id, "U9", "claimed") == "not routed"
    assert await any_store.answer_routing("'; --", "U2", "claimed") == "not routed"


async def test_thanks_and_the_best_answer_note_are_kept_once(any_store: Store) -> None:
    question = await posted(any_store)
    answer = reply("1780315320.0", "U2", "this", START + 120)
    await any_store.add_reply(T, answer)
    assert await any_store.claim_thanks(T, answer)
    assert not await any_store.claim_thanks(T, answer)
    assert not await any_store.claim_thanks("T2", answer)
    assert not await any_store.claim_thanks(T, reply("5.0", "U2", "never kept", START))
    await any_store.set_best_note(question.id, "1780315330.0")
    noted = await any_store.question(question.id)
    assert noted is not None
    assert noted.note_ts == "1780315330.0"
    await any_store.set_best_note(question.id, None)
    cleared = await any_store.question(question.id)
    assert cleared is not None
    assert cleared.note_ts is None


async def test_reply_less_questions_are_rerouted_once(any_store: Store) -> None:
    old = await any_store.create_question(T, "U1", False, "old?", "C1")
    tied = await any_store.create_question(T, "U1", False, "tied?", "C1")
    for question_id, ts in ((tied, "2.0"), (old, "1.0")):  # posted in reverse
        await any_store.question_posted(question_id, "C1", ts, False, START + 10)
    await posted(any_store, "replied?", "3.0", START + 10)
    await any_store.add_reply(T, reply("3.5", "U2", "here", START + 11, thread="3.0"))
    recent = await posted(any_store, "recent?", "4.0", START + 500)
    elsewhere = await posted(any_store, "theirs?", "5.0", START + 10, team="T2")
    due = await any_store.claim_reroutes(START + 100, START + 200)
    # Equal posting times: the earlier asked first, as SQLite's table order has it.
    assert [q.id for q in due] == [old, tied, elsewhere.id]
    assert all(q.rerouted_at is None for q in due)  # as they were when claimed
    assert await any_store.claim_reroutes(START + 100, START + 300) == []
    marked = await any_store.question(old)
    assert marked is not None
    assert marked.rerouted_at == START + 200
    assert [q.id for q in await any_store.claim_reroutes(START + 1000, START + 400)] == [recent.id]


async def test_forget_me_takes_a_persons_questions_replies_and_routings(any_store: Store) -> None:
    theirs = await posted(any_store, "mine?", "1.0", asker="U9")
    other = await posted(any_store, "yours?", "2.0", asker="U1")
    rules = ExpertRules(frozenset(), None, 3, 0.0)
    await any_store.claim_routing(theirs, "U2", 1, START + 1, rules)
    await any_store.claim_routing(other, "U9", 1, START + 1, rules)
    await any_store.add_reply(T, reply("2.5", "U9", "my reply", START + 2, thread="2.0"))
    await any_store.add_reply(T, reply("2.6", "U2", "another", START + 3, thread="2.0"))
    kept = await posted(any_store, "same id elsewhere?", "3.0", asker="U9", team="T2")
    assert await any_store._write(questions.forget_person, T, "U9") == []
    assert await any_store.question(theirs.id) is None
    assert await any_store.routed_to(theirs.id) == set()
    assert await any_store.routed_to(other.id) == set()
    assert await any_store.reply_at(T, "C1", "2.5") is None
    assert await any_store.reply_at(T, "C1", "2.6") is not None
    assert await any_store.question(kept.id) is not None


async def test_forget_me_unmarks_their_best_answers_and_names_the_cards(any_store: Store) -> None:
    first = await posted(any_store, "first?", "1.0", asker="U1")
    second = await posted(any_store, "second?", "2.0", asker="U1")
    for question, ts in ((second, "2.5"), (first, "1.5")):
        answer = reply(ts, "U9", "mine", START + 5, thread=question.ts or "")
        await any_store.add_reply(T, answer)
        await any_store.mark_best_answer(question.id, answer, START + 6)
    assert (await any_store.counts(T))["items"] == 2
    cards = await any_store._write(questions.forget_person, T, "U9")
    assert (await any_store.counts(T))["items"] == 0
    assert cards == [("C1", "1.0"), ("C1", "2.0")]  # in the order they were asked
    for question in (first, second):
        now = await any_store.question(question.id)
        assert now is not None
        assert (now.status, now.best_user, now.item_id) == ("open", None, None)


async def test_help_wanted_offers_reply_less_public_questions(any_store: Store) -> None:
    from bot.models import ItemDraft, ShareInput

    share = ShareInput(T, "C1", "1780315000.000100", "U2", "TIL terraform state locking", False)
    draft = ItemDraft("learning", "learning:C1:1780315000.000100", text=share.text)
    await any_store.save_message(share, [draft])
    asked = await posted(any_store, "terraform locking?", "1.0", START + 100)
    await posted(any_store, "terraform secret?", "2.0", START + 100, private=True)
    await posted(any_store, "terraform mine?", "3.0", START + 100, asker="U2")
    replied = await posted(any_store, "terraform replied?", "4.0", START + 100)
    await any_store.add_reply(T, reply("4.5", "U3", "x", START + 101, thread="4.0"))
    wanted = await any_store._read(help_wanted.help_wanted, T, START, START + 200)
    assert [w.question_id for w in wanted["U2"]] == [asked.id]
    assert replied.id not in {w.question_id for w in wanted["U2"]}
    assert await any_store._read(help_wanted.help_wanted, T, START + 200, START + 300) == {}
    rules = ExpertRules(frozenset(), None, 3, 0.0)
    await any_store.claim_routing(asked, "U2", 1, START + 1, rules)
    assert await any_store._read(help_wanted.help_wanted, T, START, START + 200) == {}


@pytest.mark.parametrize("text", ["", "   ", "%", "_", "'; --", "🦭" * 50])
async def test_careless_question_text_is_kept_as_given(any_store: Store, text: str) -> None:
    question = await posted(any_store, text)
    assert question.text == text
    assert [q.text for q in await any_store.open_questions(T)] == [text]
