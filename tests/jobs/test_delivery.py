"""Delivering digests to the local Slack: once, paced, recoverable, inert and within limits."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config, load_config
from bot.pacer import Pacer
from bot.store import Store
from jobs.delivery import DEPOSED_SECONDS, STALE_SECONDS, Deliverer
from jobs.digests import plan_team, run_digests
from localslack import LocalSlack
from localslack.blockkit import check_message
from tests.support.seed import channel, person, share, vote


def _next_monday() -> datetime:
    """A digest time (Monday 09:00 UTC) a day or more ahead of the real clock: the local
    Slack's message timestamps are then set to follow the test's clock."""
    start = datetime.now(UTC) + timedelta(days=1)
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    return monday.replace(hour=9, minute=0, second=0, microsecond=0)


MONDAY = _next_monday()
NOW = MONDAY + timedelta(minutes=5)
T = (MONDAY - timedelta(days=2)).timestamp()
PEOPLE = ("R", "S1", "S2", "S3", "X1")


class FakeTime:
    """A clock that only moves when something sleeps on it; it starts at NOW."""

    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class World:
    slack: LocalSlack
    store: Store
    config: Config
    client: AsyncWebClient
    time: FakeTime

    def pacer(self, per_minute: int = 6000) -> Pacer:
        return Pacer(per_minute, clock=self.time, sleep=self.time.sleep)

    async def send(self, now: datetime = NOW, **opts: bool) -> object:
        return await run_digests(
            self.store, self.client, self.config, now, pacer=self.pacer(), clock=self.time, **opts
        )

    def digests(self, where: str) -> list[dict[str, object]]:
        """The digest messages posted in a channel (a user id: that person's DM)."""
        try:
            messages = self.slack.messages(where)
        except Exception:  # no DM was ever opened with that person
            return []
        return [
            m for m in messages if (m.get("metadata") or {}).get("event_type") == "serendip_digest"
        ]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with LocalSlack(team_id="T1") as slack:
        for uid in PEOPLE:
            slack.add_user(uid, name=uid.lower())
        for cid, name in (("C1", "general"), ("C2", "design")):
            slack.add_channel(cid, name=name, members=list(PEOPLE), bot_member=True)
        store = Store(tmp_path / "s.db").open()
        config = load_config(
            {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_API_URL": slack.api_url}, dotenv=None
        )
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
        slack.clock.start_at(NOW.timestamp())  # posts are stamped on the test's clock
        try:
            yield World(slack, store, config, client, FakeTime())
        finally:
            store.close()


async def seed(store: Store) -> None:
    for cid, name in (("C1", "general"), ("C2", "design")):
        await channel(store, cid, name)
    for uid in PEOPLE:
        await person(store, uid)
    a = await share(store, "C1", "S1", "https://a.example/", T, "Alpha")
    b = await share(store, "C2", "S2", "https://b.example/", T + 1, "Beta")
    await vote(store, "C1", a, "S3")
    await vote(store, "C2", b, "X1")
    await share(store, "C2", "R", "https://r.example/", T + 2, "R's own")


def recipients(world: World) -> Counter[str]:
    return Counter({who: len(world.digests(who)) for who in ("C1", "C2", *PEOPLE)})


async def test_send_now_twice_sends_once(world: World) -> None:
    await seed(world.store)
    await world.send(now_mode=True)
    first = recipients(world)
    assert first["C1"] == first["C2"] == 1
    assert first["R"] == 1
    await world.send(now_mode=True)
    await world.send()
    assert recipients(world) == first
    assert all(n <= 1 for n in first.values())
    rows = await world.store.outbox_rows(None, "T1")
    assert {r.status for r in rows} <= {"sent", "empty"}
    dm = await world.store.dm_channel("T1", "R")
    assert dm is not None
    assert dm.startswith("D")


async def test_force_sends_again(world: World) -> None:
    await seed(world.store)
    await world.send(now_mode=True)
    await world.send(now_mode=True, force=True)
    assert len(world.digests("C1")) == 2
    assert len(world.digests("R")) == 2


async def test_a_killed_run_is_finished_once_each(world: World) -> None:
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, True, False, world.time())
    pending = await world.store.outbox_rows("pending", "T1")
    assert len(pending) >= 4
    # The crash: one row was claimed but never posted; the others were posted, but every
    # answer was lost (the process died before it could record them).
    assert await world.store.claim_digest(pending[0].id, "a-dead-sender", world.time()) == "claimed"
    world.slack.lose_answer("chat.postMessage", times=100)
    report = await Deliverer(world.store, world.client, world.pacer(), world.time).run("T1")
    assert report.sent == 0
    assert report.unknown == len(pending) - 1
    assert sum(recipients(world).values()) == len(pending) - 1
    world.slack.api.faults.clear()
    # Restarted too soon: a claim younger than STALE_SECONDS may still be answered.
    again = await Deliverer(world.store, world.client, world.pacer(), world.time).run("T1")
    assert again.recovered == 0
    assert again.sent == 0
    world.time.now += 700
    later = await Deliverer(world.store, world.client, world.pacer(), world.time).run("T1")
    assert later.recovered == len(pending) - 1
    assert later.sent == 1
    assert set(recipients(world).values()) <= {0, 1}
    assert sum(recipients(world).values()) == len(pending)
    assert {r.status for r in await world.store.outbox_rows(None, "T1")} <= {"sent", "empty"}
    read = [c.args.get("channel") for c in world.slack.calls_of("conversations.history")]
    assert read
    assert all(str(ch)[0] in "CD" for ch in read)
    # The DM ids were never learned (the answers were lost): opened once per person to look.
    assert world.slack.calls_of("conversations.open")


async def test_a_429_storm_delays_but_loses_nothing(world: World) -> None:
    await seed(world.store)
    world.slack.rate_limit("chat.postMessage", times=12, retry_after=3)
    started = world.time()
    await world.send(now_mode=True)
    counts = recipients(world)
    assert counts["C1"] == counts["C2"] == counts["R"] == 1
    assert max(counts.values()) == 1
    assert world.time() - started >= 3 * 12 / 8  # workers waited out Retry-After
    refused = [c for c in world.slack.calls_of("chat.postMessage") if c.error == "ratelimited"]
    assert len(refused) == 12
    assert all(r.status in ("sent", "empty") for r in await world.store.outbox_rows(None, "T1"))


async def test_the_workspace_rate_is_kept(world: World) -> None:
    await seed(world.store)
    pacer = Pacer(60, clock=world.time, sleep=world.time.sleep)  # one post a second
    started = world.time()
    await run_digests(
        world.store, world.client, world.config, NOW, now_mode=True, pacer=pacer, clock=world.time
    )
    posts = len(world.slack.calls_of("chat.postMessage"))
    assert posts >= 4
    assert world.time() - started >= posts - 1


async def test_mentions_in_titles_reach_slack_inert(world: World) -> None:
    await seed(world.store)
    hostile = "<!channel> <!here> <@U123> & <https://evil.example|click>"
    ts = await share(world.store, "C1", "S3", "https://x.example/?a=<b>", T + 3, hostile)
    await vote(world.store, "C1", ts, "S1")
    await world.send(now_mode=True)
    message = world.digests("C1")[0]
    raw = json.dumps({"text": message["text"], "blocks": message["blocks"]})
    for ping in ("<!channel>", "<!here>", "<@U123>", "<https://evil"):
        assert ping not in raw
    assert "&lt;!channel&gt;" in raw
    assert "&amp;" in raw


async def test_hundreds_of_items_stay_within_slacks_limits(world: World) -> None:
    await seed(world.store)
    for n in range(300):
        await share(
            world.store,
            "C1",
            f"S{n % 3 + 1}",
            f"https://d{n}.example/{'x' * 300}",
            T + 10 + n,
            "A very long title " * 40,
        )
    await world.send(now_mode=True)
    rows = {r.recipient: r for r in await world.store.outbox_rows(None, "T1")}
    assert rows["C1"].status == "sent"
    [posted] = world.digests("C1")
    blocks = posted["blocks"]
    assert isinstance(blocks, list)
    assert len(blocks) <= 50
    assert check_message(str(posted["text"]), blocks, None) is None


async def test_a_refused_post_fails_once_and_is_not_retried(world: World) -> None:
    await seed(world.store)
    await world.slack.archive_channel("C2", wait=False)
    await world.send(now_mode=True)
    rows = {r.recipient: r for r in await world.store.outbox_rows(None, "T1")}
    assert rows["C2"].status == "failed"
    assert rows["C2"].error == "is_archived"
    calls = len(world.slack.calls_of("chat.postMessage"))
    await world.send(now_mode=True)
    assert len(world.slack.calls_of("chat.postMessage")) == calls


def item_titles(message: dict[str, object]) -> list[str]:
    text = str(message["text"])
    return [line[2:].split(" https://")[0] for line in text.splitlines() if line.startswith("• ")]


async def test_a_change_of_cadence_in_mid_period_and_a_bot_down_at_the_hour(world: World) -> None:
    await seed(world.store)
    # The bot was down on Monday at 09:00; it is back on Tuesday: the weekly digest goes out.
    await world.send(MONDAY + timedelta(days=1, hours=3))
    assert [item_titles(m) for m in world.digests("R")] == [["Beta", "Alpha"]]
    await world.store.set_digest_cadence("T1", "R", "daily")
    wednesday = (MONDAY + timedelta(days=2, hours=6)).timestamp()
    new = await share(world.store, "C1", "S3", "https://c.example/", wednesday, "Gamma")
    await vote(world.store, "C1", new, "X1")
    await world.send(MONDAY + timedelta(days=3, minutes=1))  # Thursday 09:01
    daily = world.digests("R")
    assert len(daily) == 2
    assert item_titles(daily[-1]) == ["Gamma"]
    await world.send(MONDAY + timedelta(days=3, minutes=30))
    assert len(world.digests("R")) == 2


async def test_rows_no_longer_wanted_are_dropped_not_sent(world: World) -> None:
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, False, False, world.time())
    await world.store.set_opt_out("T1", "R", True)  # after planning
    await world.store.update_channel("T1", "C2", digest="off")
    report = await Deliverer(world.store, world.client, world.pacer(), world.time).run("T1")
    rows = {r.recipient: r.status for r in await world.store.outbox_rows(None, "T1")}
    assert rows["R"] == rows["C2"] == "dropped"
    assert rows["C1"] == "sent"
    assert report.dropped == 2
    assert world.digests("R") == []
    assert world.digests("C2") == []


async def test_a_digest_whose_period_ended_is_dropped(world: World) -> None:
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, False, False, world.time())
    next_week = (NOW + timedelta(days=7)).timestamp()
    late = Deliverer(world.store, world.client, world.pacer(), lambda: next_week)
    report = await late.run("T1")
    assert report.sent == 0
    assert report.dropped >= 3
    assert not world.slack.calls_of("chat.postMessage")


async def test_an_unsure_answer_is_settled_from_history_not_reposted(world: World) -> None:
    await seed(world.store)
    world.slack.lose_answer("chat.postMessage", times=1)  # landed, but answered 500
    world.slack.fail_next("chat.postMessage", "fatal_error", status=200)  # did not land
    await world.send(now_mode=True)
    world.time.now += 700
    await world.send(now_mode=True)
    assert set(recipients(world).values()) <= {0, 1}
    assert recipients(world)["C1"] == 1
    assert {r.status for r in await world.store.outbox_rows(None, "T1")} <= {"sent", "empty"}


async def test_the_pacer_hears_of_429s_even_with_the_production_client(world: World) -> None:
    from bot.slack_client import make_client

    await seed(world.store)
    world.client = make_client(world.slack.bot_token, world.slack.api_url)
    world.slack.rate_limit("chat.postMessage", times=2, retry_after=30)
    started = world.time()
    await world.send(now_mode=True)  # the SDK would have slept 30 s twice, for real
    assert world.time() - started >= 30
    assert recipients(world)["C1"] == 1


async def test_forget_me_while_a_digest_crediting_them_is_being_posted(world: World) -> None:
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, True, False, world.time())
    [c1] = [r for r in await world.store.outbox_rows("pending", "T1") if r.recipient == "C1"]
    assert await world.store.claim_digest(c1.id, "sender", world.time()) == "claimed"
    await world.store.forget_person("T1", "S1")  # S1 shared Alpha, which C1's digest credits
    # The post had landed: it is recorded as sent, and deleted from Slack at once.
    posted = await world.client.chat_postMessage(channel="C1", text="digest naming S1")
    deliverer = Deliverer(world.store, world.client, world.pacer(), world.time)
    deliverer.token = "sender"
    await deliverer._settled(c1, "C1", str(posted["ts"]))
    assert [m for m in world.slack.messages("C1") if m.get("text") == "digest naming S1"] == []
    rows = {r.recipient: r for r in await world.store.outbox_rows(None, "T1")}
    assert rows["C1"].status == "sent"
    assert await world.store.read_credits("T1", "S1") == []


async def test_a_forgotten_row_not_posted_is_composed_again(world: World) -> None:
    await seed(world.store)
    await share(world.store, "C1", "S3", "https://g.example/", T + 5, "Gamma")
    await plan_team(world.store, world.config, "T1", NOW, True, False, world.time())
    [c1] = [r for r in await world.store.outbox_rows("pending", "T1") if r.recipient == "C1"]
    await world.store.claim_digest(c1.id, "a-dead-sender", world.time())
    await world.store.forget_person("T1", "S1")
    world.time.now += 700  # recovery: history has no such post, the row goes
    await world.send(now_mode=True)
    await world.send(now_mode=True)  # the next tick composes it again
    [message] = world.digests("C1")
    assert "Gamma" in str(message["text"])
    assert "Alpha" not in str(message["text"])


async def test_an_unsettled_row_fails_once_its_period_is_over(world: World) -> None:
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, True, False, world.time())
    [c1] = [r for r in await world.store.outbox_rows("pending", "T1") if r.recipient == "C1"]
    await world.store.claim_digest(c1.id, "a-dead-sender", world.time())
    for n in range(30):  # a busy channel: more history than recovery reads
        await world.client.chat_postMessage(channel="C1", text=f"chatter {n}")
    late = Deliverer(world.store, world.client, world.pacer(), world.time)
    with patch("jobs.delivery.HISTORY_PAGES", 1), patch("jobs.delivery.HISTORY_LIMIT", 10):
        world.time.now += 700
        await late.run("T1")  # history is not exhausted: it stays unsettled
        assert {r.recipient: r.status for r in await world.store.outbox_rows(None, "T1")}[
            "C1"
        ] == "sending"
        world.time.now += 8 * 86400
        await late.recover("T1")
    row = {r.recipient: r for r in await world.store.outbox_rows(None, "T1")}["C1"]
    assert row.status == "failed"
    assert (row.error or "").startswith("unverifiable")


async def test_the_pacer_holds_sleepers_during_a_pause() -> None:
    clock = FakeTime()
    woken: list[float] = []

    async def sleep(seconds: float) -> None:
        clock.now += seconds

    pacer = Pacer(60, clock=clock, sleep=sleep)
    assert pacer.reserve("C1") == 0
    assert pacer.reserve("C2") == 1.0
    pacer.pause(30)
    await pacer.wait("C3")
    woken.append(clock.now)
    assert woken[0] >= NOW.timestamp() + 30


async def test_a_new_leader_finishes_its_predecessors_sends_once_and_the_old_one_stops(
    world: World,
) -> None:
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, True, False, world.time())
    pending = await world.store.outbox_rows("pending", "T1")
    old = await world.store.become_leader("old:1")
    # The old leader dies mid-delivery: its posts landed, their answers were lost.
    world.slack.lose_answer("chat.postMessage", times=100)
    dying = Deliverer(world.store, world.client, world.pacer(), world.time, epoch=old)
    assert (await dying.run("T1")).unknown == len(pending)
    world.slack.api.faults.clear()
    new = await world.store.become_leader("new:2")
    leader = Deliverer(world.store, world.client, world.pacer(), world.time, epoch=new)
    assert (await leader.run("T1")).recovered == 0  # its posts might still be under way
    world.time.now += DEPOSED_SECONDS + 1  # well before STALE_SECONDS
    assert (await leader.run("T1")).recovered == len(pending)
    assert all(n <= 1 for n in recipients(world).values())
    assert sum(recipients(world).values()) == len(pending)
    # Planned again (force), the deposed leader may run on, but posts nothing.
    await plan_team(world.store, world.config, "T1", NOW, True, True, world.time())
    late = Deliverer(world.store, world.client, world.pacer(), world.time, epoch=old)
    report = await late.run("T1")
    assert (report.sent, late.deposed) == (0, True)
    assert sum(recipients(world).values()) == len(pending)


async def test_a_leader_waits_the_long_wait_for_sends_of_digest_send(world: World) -> None:
    # `serendip digest send` claims without an epoch: no leader's step down says it is gone,
    # and it may still be posting, so a leader waits STALE_SECONDS, not DEPOSED_SECONDS.
    await seed(world.store)
    await plan_team(world.store, world.config, "T1", NOW, True, False, world.time())
    pending = await world.store.outbox_rows("pending", "T1")
    world.slack.lose_answer("chat.postMessage", times=100)
    command = Deliverer(world.store, world.client, world.pacer(), world.time)
    assert (await command.run("T1")).unknown == len(pending)
    world.slack.api.faults.clear()
    leader = Deliverer(
        world.store,
        world.client,
        world.pacer(),
        world.time,
        epoch=await world.store.become_leader("l:1"),
    )
    world.time.now += DEPOSED_SECONDS + 1
    assert (await leader.run("T1")).recovered == 0
    world.time.now += STALE_SECONDS
    assert (await leader.run("T1")).recovered == len(pending)
    assert sum(recipients(world).values()) == len(pending)
