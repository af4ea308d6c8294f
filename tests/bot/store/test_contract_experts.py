"""Suggestions, expert choice, expert reasons and the pulse's highlights behave the same on SQLite
and PostgreSQL (the contract suite)."""

from __future__ import annotations

import math

import pytest

from bot.store import ExpertRules, Store
from bot.store.sql import experts, highlights
from bot.store.sql.expert_reasons import Reason
from bot.store.sql.search import parse_query
from bot.store.twins import missing_twins
from tests.bot.store.search_seed import BASE, T, answered, asked, flag, item, share, sql, vote

RULES = ExpertRules(frozenset({"U1"}), None, 3, 0.0)


def needs(store: Store, area: str, name: str) -> None:
    """Skip on PostgreSQL while another area's twin this verb calls is still being ported."""
    if store._backend == "postgresql" and name in missing_twins().get(area, []):
        pytest.skip(f"{area}.{name} has no PostgreSQL twin yet")


async def test_suggestions_need_half_the_words_most_matched_first(any_store: Store) -> None:
    await item(any_store, "two", "recover a deleted git branch with reflog")
    await item(any_store, "one", "git is a version control system", n=1)
    await item(any_store, "voted", "git branch naming rules: recover them", n=2)
    await item(
        any_store, "hidden", "reflog branch git recover deleted", n=3, channel="G1", private=True
    )
    for voter in ("U2", "U3"):
        await vote(any_store, "voted", voter)
    typed = "how can I recover a git branch I deleted by mistake?"
    hits = await any_store.suggest(T, typed, limit=5)
    assert [(h.item_id, h.score) for h in hits] == [("two", 4.0), ("voted", 3.0)]
    inside = await any_store.suggest(T, typed, ["G1"], limit=5)
    assert [h.item_id for h in inside] == ["hidden", "two", "voted"]  # newest of equals first
    assert [h.item_id for h in await any_store.suggest(T, typed, limit=1)] == ["two"]
    assert await any_store.suggest(T, "'; DROP TABLE items; -- \" * NEAR(") == []
    for flagger in ("U4", "U5", "U6"):
        await flag(any_store, "two", flagger)
    assert [h.item_id for h in await any_store.suggest(T, typed, limit=5)] == ["voted"]


async def test_evidence_comes_from_words_and_topics(any_store: Store) -> None:
    await item(any_store, "w", "terraform state locking explained")
    await item(any_store, "t", "see link", title="Remote backends", n=1)
    await sql(any_store, "INSERT INTO term_df (team_id, term, df) VALUES (?, 'backends', 1)", T)
    await sql(
        any_store, "INSERT INTO item_terms (team_id, item_id, term) VALUES (?, 't', 'backends')", T
    )
    query = parse_query("who knows terraform locking?", any_word=True)
    weights = await any_store._read(experts.evidence, T, query, "terraform locking", [T])
    assert list(weights) == ["w"]
    assert weights["w"] == pytest.approx(2 * 0.1 * math.log(2.5))  # two words in 1 of 2
    topical = await any_store._read(experts.evidence, T, None, "remote backends?", [T])
    assert list(topical) == ["t"]
    people = await any_store._read(experts.score_people, T, {**weights, **topical}, [T])
    assert people == pytest.approx({"U1": 3.0 * (weights["w"] + topical["t"])})


async def test_expert_reasons_cite_what_the_place_shows(any_store: Store) -> None:
    await item(
        any_store, "link", "see <https://tf.example/>", title="Terraform state locking", user="U2"
    )
    await item(any_store, "note", "TIL terraform locks state in DynamoDB", n=1, user="U3")
    await item(
        any_store, "secret", "terraform locking secrets", n=2, user="U4", channel="G1", private=True
    )
    await item(any_store, "q", "how does terraform locking work?", n=3, user="U1", kind="question")
    await answered(any_store, "q", "how does terraform locking work?", "U5", "a lock table")
    await vote(any_store, "note", "U6")
    await share(any_store, "note", "a share nobody signed", n=5, channel="C2", user=None)
    question = asked("Terraform LOCKING: anyone?")
    assert await any_store.expert_reason(question, "U2") == Reason(
        "shared", "Terraform state locking"
    )
    assert await any_store.expert_reason(question, "U3") == Reason(
        "shared", "TIL terraform locks state in DynamoDB"
    )
    assert await any_store.expert_reason(question, "U5") == Reason(
        "answered", "Terraform and LOCKING"
    )
    assert await any_store.expert_reason(question, "U6") == Reason(
        "voted", "TIL terraform locks state in DynamoDB"
    )
    assert await any_store.expert_reason(question, "U4") is None  # a private channel's
    inside = asked("terraform locking?", channel="G1", private=True)
    assert await any_store.expert_reason(inside, "U4") == Reason(
        "shared", "terraform locking secrets"
    )
    assert await any_store.expert_reason(question, "U9") is None
    await share(
        any_store,
        "note",
        "terraform note, kept private",
        n=9,
        channel="G1",
        private=True,
        user="U8",
    )
    assert await any_store.expert_reason(question, "U8") is None  # shared only in G1
    assert await any_store.expert_reason(inside, "U8") == Reason(
        "shared",
        "terraform note, kept private",  # their own share first
    )
    assert await any_store.expert_reason(asked("\" * NEAR( '; --"), "U2") is None


async def test_routing_is_on_unless_turned_off(any_store: Store) -> None:
    assert await any_store.routing(T, "U1")
    await sql(
        any_store,
        "INSERT INTO person_settings (team_id, user_id, routing) VALUES (?, 'U1', 'off')",
        T,
    )
    assert not await any_store.routing(T, "U1")
    assert await any_store.routing(T, "U2")


async def test_experts_are_chosen_by_evidence_within_the_rules(any_store: Store) -> None:
    needs(any_store, "questions", "routed_count")
    await item(any_store, "a", "terraform state locking", user="U2")
    await item(any_store, "b", "terraform locking again", n=1, user="U2")
    await item(any_store, "c", "terraform", n=2, user="U3")
    await item(any_store, "d", "terraform locking", n=3, user="U4")
    await sql(
        any_store, "INSERT INTO users (team_id, id, name, is_bot) VALUES (?, 'U4', 'bot', 1)", T
    )
    question = asked("terraform locking?")
    assert await any_store.choose_experts(question, RULES) == ["U2", "U3"]
    assert await any_store.choose_experts(question, RULES, limit=1) == ["U2"]
    only = ExpertRules(frozenset({"U1"}), frozenset({"U3"}), 3, 0.0)
    assert await any_store.choose_experts(question, only) == ["U3"]
    await sql(
        any_store,
        "INSERT INTO routings (team_id, question_id, user_id, round, at)"
        " VALUES (?, 'Q0', 'U2', 1, 5.0)",
        T,
    )
    capped = ExpertRules(frozenset({"U1"}), None, 1, 0.0)
    assert await any_store.choose_experts(question, capped) == ["U3"]
    assert await any_store.choose_experts(asked("'; DROP TABLE items; --"), RULES) == []


def window() -> tuple[float, float]:
    return (float(BASE - 10), float(BASE + 86400))


async def test_highlights_quote_only_public_learnings_and_questions(any_store: Store) -> None:
    await item(any_store, "top", "TIL public and voted")
    await item(any_store, "plain", "TIL public", n=1)
    await item(any_store, "secret", "TIL secret", n=2, channel="G1", private=True)
    await item(any_store, "dm", "TIL in a DM", n=3, channel="D1")
    await item(any_store, "gone", "TIL from someone who left", n=4, user="U7")
    await share(any_store, "plain", "TIL public again", n=5, channel="C2")
    await sql(
        any_store, "INSERT INTO channels (team_id, id, name, is_dm) VALUES (?, 'D1', 'dm', 1)", T
    )
    await sql(any_store, "INSERT INTO channels (team_id, id, name) VALUES (?, 'C1', 'general')", T)
    await sql(
        any_store,
        "INSERT INTO person_settings (team_id, user_id, opted_out) VALUES (?, 'U7', 1)",
        T,
    )
    for voter in ("U2", "U3"):
        await vote(any_store, "top", voter)
    learnings = await any_store._read(highlights.top_learnings, T, window())
    assert learnings == [
        {"text": "TIL public and voted", "votes": 2, "channel": "#general"},
        {"text": "TIL public", "votes": 0, "channel": "#general"},
    ]
    assert await any_store._read(highlights.top_learnings, None, window(), 1) == learnings[:1]
    assert await any_store._read(highlights.top_learnings, "T2", window()) == []
    await sql(
        any_store,
        "INSERT INTO questions (id, team_id, asker, text, status, channel, ts, is_private,"
        " asked_at, posted_at, permalink) VALUES"
        " ('q2', ?, 'U1', 'second', 'open', 'C1', '2.0', 0, ?, ?, 'https://x/2'),"
        " ('q1', ?, 'U1', 'first', 'open', 'C9', '1.0', 0, ?, ?, NULL),"
        " ('q3', ?, 'U1', 'private', 'open', 'G1', '3.0', 1, ?, ?, NULL),"
        " ('q4', ?, 'U7', 'opted out', 'open', 'C1', '4.0', 0, ?, ?, NULL)",
        *[v for n in (2, 1, 3, 4) for v in (T, float(BASE + n), float(BASE + n))],
    )
    assert await any_store._read(highlights.open_questions, T, window()) == [
        {"text": "first", "posted_at": float(BASE + 1), "permalink": None, "channel": None},
        {
            "text": "second",
            "posted_at": float(BASE + 2),
            "permalink": "https://x/2",
            "channel": "#general",
        },
    ]
