"""Nothing of one workspace reaches another (issue 17, item 2), on SQLite and PostgreSQL: the
digests, the experts `/ask` chooses, Home's reads, the stats, the report and the pulse's
figures of one workspace are the same whether or not others share the database, though they
share channel ids and names, people's ids and names, and a URL."""

from __future__ import annotations

from typing import Any

from bot.store import ExpertRules, Store
from jobs.digests import plan_team
from tests.bot.store.isolation_seed import AT, NOW, TEAMS, Opener, leaks, open_store, plain, seeded
from tests.bot.store.isolation_views import CONFIG, digests, figures, home_of

__all__ = ["open_store"]  # the fixture, used by name


async def both(open_store: Opener, team: str) -> tuple[Store, Store]:
    """`team` alone in a store, and all three workspaces in another (`team` seeded first, so
    its rows are made alike in both)."""
    rest = tuple(t for t in TEAMS if t != team)
    return await seeded(open_store, (team,)), await seeded(open_store, (team, *rest))


def same_and_clean(alone: Store, together: Store, team: str, a: Any, b: Any) -> str:
    """`a` (read alone) and `b` (read beside the others) agree and name nothing of another
    workspace; returns what was shown."""
    shown = plain(together, b)
    assert leaks(shown, team) == []
    assert shown == plain(alone, a)
    return shown


async def test_digests_show_one_workspace_only(open_store: Opener) -> None:
    """Items, people, channels, vote counts, "from other teams", "you might not know you need
    this", "can you help?" and the welcome's preview: T2's digests, T2 having more votes on
    the shared URL and an expert the others lack."""
    for team in ("T1", "T2"):
        alone, together = await both(open_store, team)
        shown = same_and_clean(
            alone, together, team, await digests(alone, team), await digests(together, team)
        )
        assert f"{team.lower()}-only" in shown
        for section in ("From other teams", "You might not know", "Can you help?", "Your impact"):
            assert section in shown  # each section had something to show, and kept it apart


async def test_experts_are_chosen_in_the_askers_workspace_only(open_store: Opener) -> None:
    """T1's one terraform sharer is asked, though T2 and T3 have a stronger expert (U9) and
    T2's U1 shared about it too; why each was chosen is told from T1's items alone."""
    alone, together = await both(open_store, "T1")
    chosen = []
    for store in (alone, together):
        asked = await store.create_question("T1", "U2", False, "terraform state locking?", "C1")
        question = await store.question(asked)
        assert question is not None
        rules = ExpertRules(frozenset({"U2"}), None, 3, 0.0, AT + 3600)
        experts = await store.choose_experts(question, rules)
        reasons = {p: await store.expert_reason(question, p) for p in ("U1", "U4", "U9")}
        chosen.append((experts, reasons))
    experts, reasons = chosen[1]
    assert experts == ["U4"]
    assert reasons["U1"] is None
    assert reasons["U9"] is None
    assert reasons["U4"] is not None
    assert chosen[0] == chosen[1]
    # T2 asks: its own experts, told by T2's items.
    asked = await together.create_question("T2", "U2", False, "terraform state locking?", "C1")
    question = await together.question(asked)
    assert question is not None
    assert set(await together.choose_experts(question, ExpertRules(frozenset(), None, 3, 0.0))) >= {
        "U9",
        "U1",
    }


async def test_home_reads_one_workspace_only(open_store: Opener) -> None:
    """Each person's items, the week's top items and their votes, their counts, their
    learning network and the open questions: the same ids in T2 and T3 add nothing."""
    alone, together = await both(open_store, "T1")
    for person in ("U1", "U2", "U3", "U4", "U9"):
        a, b = await home_of(alone, "T1", person), await home_of(together, "T1", person)
        same_and_clean(alone, together, "T1", a, b)
    network = await together.learning_network("T1", "U1")
    assert network == ([("U2", 1)], [("U3", 2), ("U4", 2)])


async def test_stats_report_and_pulse_count_one_workspace_only(open_store: Opener) -> None:
    """Figures, weekly series, per-person figures and the flows between channels (named as
    the workspace names them: C3 is #ops-t1 in T1 alone)."""
    alone, together = await both(open_store, "T1")
    shown = same_and_clean(
        alone, together, "T1", await figures(alone, "T1"), await figures(together, "T1")
    )
    assert '"from": "#general", "to": "#ops-t1"' in shown


async def planned(store: Store, team: str) -> list[tuple[Any, ...]]:
    """The digests planned in a workspace's outbox: to whom, for when, and what they say."""
    rows = await store.outbox_rows(None, team)
    return sorted(
        (r.team_id, r.recipient, r.kind, r.period_key, r.status, r.payload, r.items) for r in rows
    )


async def test_planning_every_workspace_gives_each_its_own_digests(open_store: Opener) -> None:
    """The digest job plans the others first, for the same recipient ids (U1 is in every
    workspace): T2 still gets its digests, as it would alone, holding only its own items."""
    alone, together = await both(open_store, "T2")
    for team in ("T1", "T3", "T2"):
        await plan_team(together, CONFIG, team, NOW, True, False, NOW.timestamp())
    await plan_team(alone, CONFIG, "T2", NOW, True, False, NOW.timestamp())
    mine = await planned(together, "T2")
    assert ("T2", "U1", "person") in {row[:3] for row in mine}
    assert ("T2", "C1", "channel") in {row[:3] for row in mine}
    shown = same_and_clean(alone, together, "T2", await planned(alone, "T2"), mine)
    assert "t2-only" in shown


async def test_flag_review_sees_and_acts_on_one_workspace_only(open_store: Opener) -> None:
    """Admins review their own workspace's flags; an item id of another workspace (a button
    of T2's review pressed with T1's context) neither restores nor removes anything there."""
    alone, together = await both(open_store, "T1")
    a = (await alone.flags("T1"), await alone.flagged_items("T1"))
    b = (await together.flags("T1"), await together.flagged_items("T1"))
    assert "t1.example/lag" in same_and_clean(alone, together, "T1", a, b)
    [theirs], _ = await together.flagged_items("T2")
    before = plain(together, await together.export_items("T2"))
    assert await together.restore_item("T1", theirs.item_id) is None
    assert not await together.remove_item("T1", theirs.item_id)
    assert plain(together, await together.export_items("T2")) == before
    assert [f.item_id for f in (await together.flagged_items("T2"))[0]] == [theirs.item_id]
