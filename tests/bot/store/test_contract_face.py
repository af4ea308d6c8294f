"""An item's face is the same on SQLite and PostgreSQL: what its public shares say (Slack's
unfurl over a fetched page), its topics (hashtags, then keywords ranked against every item the
store made), and the term counts those rankings use."""

from __future__ import annotations

from dataclasses import replace

from bot.models import FetchedPage
from bot.store import Store
from bot.store.sql import face
from tests.support.sharing import T, link, rows, share


async def test_the_unfurl_wins_over_the_fetched_page_and_private_unfurls_hide(
    any_store: Store,
) -> None:
    secret = link(title="Secret title", description="private words", site_name="Intranet")
    await any_store.save_message(share(channel="G1", ts="1.0", private=True), [secret])
    [record] = await any_store.export_items()
    assert record["title"] == "Secret title"  # only private shares: they are the face
    [item] = await any_store.save_message(share(channel="C1", ts="2.0", text="plain"), [link()])
    fetched = FetchedPage("ok", title="Fetched", description="From the page", site_name="A")
    await any_store.record_fetch(item, fetched, 3.0)
    [record] = await any_store.export_items()
    assert (record["title"], record["description"], record["site_name"]) == (
        "Fetched",
        "From the page",
        "A",
    )
    assert record["text"] == "plain"
    await any_store.save_message(share(channel="C2", ts="4.0"), [link(site_name="Slack says")])
    [record] = await any_store.export_items()
    assert (record["title"], record.get("description"), record["site_name"]) == (
        None,
        None,
        "Slack says",
    )


async def test_topics_follow_what_people_read(any_store: Store) -> None:
    await any_store.save_message(share(ts="1.0", text="<https://a.com/x> #Rust #til"), [link()])
    assert (await any_store.export_items())[0]["topics"] == ["rust"]
    await any_store.set_reaction(T, "C1", "1.0", "U2", "+1", "useful", True)
    assert (await any_store.export_items())[0]["topics"] == ["rust"]
    await any_store.save_message(share(ts="1.0", text="<https://a.com/x> #Go_lang"), [link()])
    assert (await any_store.export_items())[0]["topics"] == ["go_lang"]


async def test_term_counts_follow_items_made_and_deleted(any_store: Store) -> None:
    for n in (1, 2):
        await any_store.save_message(
            share(ts=f"{n}.0"),
            [link(f"https://{n}.com/", title="Vacuum tuning", description="Ünïcode 'costs' 100%_")],
        )
    counts = sorted(await rows(any_store, "SELECT term, df FROM term_df"))
    assert counts == [("code", 2), ("costs", 2), ("tuning", 2), ("vacuum", 2)]
    assert len(await rows(any_store, "SELECT * FROM item_terms")) == 8
    await any_store.remove_message(T, "C1", "1.0")
    assert sorted(await rows(any_store, "SELECT term, df FROM term_df")) == [
        (term, 1) for term, _ in counts
    ]
    await any_store.remove_message(T, "C1", "2.0")
    assert await rows(any_store, "SELECT sum(df) FROM term_df") == [(0,)]
    assert await rows(any_store, "SELECT count(*) FROM item_terms") == [(0,)]


async def test_keywords_are_ranked_against_the_workspaces_items(any_store: Store) -> None:
    """Six items, one deleted, and another workspace's many: five documents, this workspace's
    own count (not the highest item number, nor the database's), so 'beta' (in this item
    alone) outranks 'alpha' (in all five, twice here)."""
    await any_store.save_message(share(ts="0.5"), [link("https://gone.com/", description="zzz")])
    for n in range(1, 5):
        await any_store.save_message(
            share(ts=f"{n}.0"), [link(f"https://{n}.com/", description="alpha")]
        )
    [target] = await any_store.save_message(
        share(ts="5.0"), [link("https://5.com/", description="alpha alpha beta")]
    )
    for n in range(20):
        other = replace(share(ts=f"{n}.0"), team_id="T2")
        await any_store.save_message(other, [link(f"https://o{n}.com/", description="gamma")])
    await any_store.remove_message(T, "C1", "0.5")
    topics = await any_store._write(
        face.item_topics, T, target, ["#Tag"], None, "alpha alpha beta", 5.0
    )
    assert topics == ["tag", "beta", "alpha"]


async def test_terms_carry_their_items_first_share_time(any_store: Store) -> None:
    """PostgreSQL reads a topic's newest items by each term row's copy of its item's first-share
    time (`item_terms.created`): a share earlier than the first moves the terms back with it."""
    page = link(title="Vacuum tuning", description="Costs")
    await any_store.save_message(share(channel="C1", ts="1700000100.000200"), [page])
    assert set(await rows(any_store, "SELECT created FROM item_terms")) == {(1700000100.0002,)}
    await any_store.save_message(share(channel="C2", ts="1700000000.000100"), [page])
    assert set(await rows(any_store, "SELECT created FROM item_terms")) == {(1700000000.0001,)}
    assert len(await rows(any_store, "SELECT * FROM item_terms")) == 3
