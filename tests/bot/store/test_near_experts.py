"""Expert choice: between experts of similar evidence, those near the asker go first (on both
backends, PostgreSQL once the capture, questions and trust areas it reaches are ported)."""

from __future__ import annotations

from bot.models import ItemDraft, ShareInput
from bot.network import monday_of
from bot.store import ExpertRules, Store
from bot.store.sql.interactions import Interaction, add_interactions
from bot.store.sql.questions import Question

T = "T1"
NOW = 1_764_590_400.0  # Monday 2025-12-01 12:00 UTC
WEEK = monday_of(NOW).isoformat()


async def tf_link(store: Store, user: str, n: int) -> None:
    """`user` shares a link about terraform state locking (each one as good as another)."""
    ts = f"{1_764_000_000 + n}.000100"
    url = f"https://tf{n}.example/"
    share = ShareInput(T, "C1", ts, user, f"<{url}>", False)
    draft = ItemDraft("link", f"link:{url}", url=url, title="Terraform state locking")
    await store.save_message(share, [draft])


async def question(store: Store, anon: bool = False) -> Question:
    question_id = await store.create_question(T, "U1", anon, "terraform locking?", "C1")
    await store.question_posted(question_id, "C1", "1764590000.000100", False, NOW)
    found = await store.question(question_id)
    assert found is not None
    return found


async def tie(store: Store, actor: str, target: str, scope: str = "") -> None:
    await store._write(add_interactions, T, [Interaction(WEEK, scope, actor, target, "reply")])


RULES = ExpertRules(frozenset({"U1"}), None, 3, 0.0, NOW)


async def test_a_near_expert_goes_before_one_of_equal_evidence(any_store: Store) -> None:
    await tf_link(any_store, "U2", 1)
    await tf_link(any_store, "U3", 2)
    asked = await question(any_store)
    assert await any_store.choose_experts(asked, RULES) == ["U2", "U3"]
    await tie(any_store, "U3", "U1", scope="G1")  # a private channel's reply: no tie anywhere
    assert await any_store.choose_experts(asked, RULES) == ["U2", "U3"]
    await tie(any_store, "U4", "U1")
    await tie(any_store, "U3", "U4")  # U3 is two steps from the asker, through U4
    assert await any_store.choose_experts(asked, RULES) == ["U3", "U2"]
    assert await any_store.choose_experts(await question(any_store, anon=True), RULES) == [
        "U2",
        "U3",
    ]
    no_network = ExpertRules(frozenset({"U1"}), None, 3, 0.0)
    assert await any_store.choose_experts(asked, no_network) == ["U2", "U3"]


async def test_much_better_evidence_still_wins_over_nearness(any_store: Store) -> None:
    for n in range(1, 4):
        await tf_link(any_store, "U2", n)
    await tf_link(any_store, "U3", 9)
    await tie(any_store, "U1", "U3")
    assert await any_store.choose_experts(await question(any_store), RULES) == ["U2", "U3"]
