"""Link health: weekly for healthy links, daily for failing ones, dead after three days gone."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fetch import FetchResult
from bot.models import ItemDraft, ShareInput
from bot.store import Store
from jobs.link_health import check_links, outcome

DAY = 86400.0
# Noon UTC: "60 seconds later" is still the same day, whenever the suite runs.
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC).timestamp()


async def in_a_digest(store: Store, url: str, at: float) -> str:
    """Send the item of `url` in a digest at `at`; its id."""
    [item] = [i for i in await store.export_items() if i["url"] == url]
    row = {
        "team_id": "T1",
        "recipient": f"U{url}",
        "kind": "person",
        "period_key": "k",
        "round": 0,
        "status": "pending",
        "payload": {},
        "items": [item["id"]],
    }
    await store.plan_digests([row], at)
    [planned] = [r for r in await store.outbox_rows("pending", "T1") if r.recipient == f"U{url}"]
    await store.claim_digest(planned.id, "sender", at)
    await store.digest_sent(planned.id, "sender", "D1", "1.0", at)
    return str(item["id"])


def result(status: str, http: int | None = None, error: str | None = None) -> FetchResult:
    return FetchResult(status=status, http_status=http, final_url="https://x/", error=error)  # type: ignore[arg-type]


def test_outcomes() -> None:
    assert outcome(result("ok")) == "ok"
    assert outcome(result("http_error", 404)) == outcome(result("http_error", 410)) == "gone"
    assert outcome(result("failed", error="name lookup failed: no such name")) == "gone"
    for status in (401, 403, 429, 500, 503):
        assert outcome(result("http_error", status)) == "error"
    assert outcome(result("refused")) == "refused"
    assert outcome(result("timeout")) == "error"


async def test_dead_after_three_days_gone_and_cadence(store: Store) -> None:
    start = START
    for i, url in enumerate(
        (
            "https://gone.example/",
            "https://fine.example/",
            "https://flaky.example/",
            "https://refused.example/",
        )
    ):
        share = ShareInput("T1", "C1", f"{start - 3600 + i:.6f}", "U1", url, False)
        await store.save_message(share, [ItemDraft("link", f"link:{url}", url=url)])
        await in_a_digest(store, url, start - 60)
    never_sent = "https://not-in-a-digest.example/"
    share = ShareInput("T1", "C1", f"{start - 7200:.6f}", "U1", never_sent, False)
    await store.save_message(share, [ItemDraft("link", f"link:{never_sent}", url=never_sent)])
    old = "https://digest-of-last-year.example/"
    share = ShareInput("T1", "C1", f"{start - 400 * DAY:.6f}", "U1", old, False)
    await store.save_message(share, [ItemDraft("link", f"link:{old}", url=old)])
    await in_a_digest(store, old, start - 300 * DAY)
    answers = {
        "https://gone.example/": result("http_error", 404),
        "https://fine.example/": result("ok"),
        "https://flaky.example/": result("http_error", 503),
        "https://refused.example/": result("refused"),
    }
    fetched: list[str] = []

    async def fetch(url: str) -> FetchResult:
        fetched.append(url)
        return answers[url]

    first = await check_links(store, fetch, start)
    assert first.checked == 4
    assert first.dead == 0
    again = await check_links(store, fetch, start + 60)  # same day: nothing is due
    assert again.checked == 0
    fetched.clear()
    second = await check_links(store, fetch, start + DAY)
    # fine.example and the refused target wait a week; failing links are checked daily
    assert sorted(fetched) == ["https://flaky.example/", "https://gone.example/"]
    third = await check_links(store, fetch, start + 2 * DAY)
    assert second.dead == 0
    assert third.dead == 1
    fetched.clear()
    await check_links(store, fetch, start + 8 * DAY)
    assert "https://gone.example/" not in fetched
    assert "https://fine.example/" in fetched


async def test_failing_links_do_not_starve_new_ones(store: Store) -> None:
    start = START
    for i, url in enumerate(("https://a.example/", "https://b.example/")):
        share = ShareInput("T1", "C1", f"{start - 3600 + i:.6f}", "U1", url, False)
        await store.save_message(share, [ItemDraft("link", f"link:{url}", url=url)])
        item_id = await in_a_digest(store, url, start - 60)
        await store.record_check(item_id, "error", start - DAY)
    new = "https://new.example/"
    share = ShareInput("T1", "C1", f"{start:.6f}", "U1", new, False)
    await store.save_message(share, [ItemDraft("link", f"link:{new}", url=new)])
    await in_a_digest(store, new, start)
    assert [url for _, url in await store.links_to_check(start, 0, 1)] == [new]
