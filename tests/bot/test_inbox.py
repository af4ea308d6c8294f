"""The event inbox: ordered per channel, resumed after a restart, failures recorded."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.envelopes import PARTS, ordering_key, part_of
from bot.inbox import STORAGE_TRIES, InboxWorker
from bot.store import Store
from handlers.commands.errors import INBOX_HELD
from tests.support.bot import running_bot
from tests.support.storefaults import (
    fill_disk,
    full_disk_error,
    health,
    long_message,
    make_room,
)


def body(event: Mapping[str, object], event_id: str) -> str:
    return json.dumps(
        {"type": "event_callback", "team_id": "T1", "event_id": event_id, "event": event}
    )


def test_a_channels_events_share_one_partition() -> None:
    message = {"type": "message", "channel": "C1", "ts": "1.0"}
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C1",
        "ts": "9.0",
        "message": {"ts": "1.0"},
    }
    deletion = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": "C1",
        "ts": "9.1",
        "deleted_ts": "1.0",
    }
    reaction = {"type": "reaction_added", "user": "U1", "item": {"channel": "C1", "ts": "1.0"}}
    # A reply and a reaction on it name neither the message above: only their channel ties
    # them to it (an `!nda` parent, remembered by the replica that handled it).
    reply = {"type": "message", "channel": "C1", "ts": "2.0", "thread_ts": "1.0"}
    on_reply = {"type": "reaction_added", "user": "U2", "item": {"channel": "C1", "ts": "2.0"}}
    events: list[Mapping[str, object]] = [message, edit, deletion, reaction, reply, on_reply]
    assert {ordering_key(body(e, "E")) for e in events} == {"C1"}
    assert len({part_of(body(e, f"E{n}")) for n, e in enumerate(events)}) == 1
    assert ordering_key(body({"type": "channel_rename", "channel": {"id": "C3"}}, "E")) == "C3"
    assert ordering_key(body({"type": "member_joined_channel", "channel": "C4"}, "E")) == "C4"
    assert ordering_key(body({"type": "user_change", "user": {"id": "U1"}}, "E")) == ""
    assert ordering_key("not json") == ordering_key("[1]") == ""
    # Channels spread over the partitions (else one replica would get every event).
    spread = {part_of(body({"type": "message", "channel": f"C{n:04d}"}, "E")) for n in range(500)}
    assert len(spread) == PARTS


async def test_events_of_one_channel_run_in_order(store: Store) -> None:
    seen: list[str] = []

    async def dispatch(seq: int, raw: str) -> int:
        event = json.loads(raw)["event"]  # one channel, no message ts: one ordered partition
        await asyncio.sleep(0.01 if event["n"] % 2 else 0)  # uneven work must not reorder
        seen.append(f"{event['channel']}{event['n']}")
        return 200

    for n in range(6):
        for channel in ("C1", "C2"):
            await store.enqueue_event(
                "T1", f"E{channel}{n}", body({"channel": channel, "n": n}, "x")
            )
    worker = InboxWorker(store, dispatch)
    worker.start()
    await worker.drain()
    await worker.stop()
    for channel in ("C1", "C2"):
        assert [s for s in seen if s.startswith(channel)] == [f"{channel}{n}" for n in range(6)]
    assert await store.pending_events() == []


async def test_failures_are_recorded_never_repeated(store: Store) -> None:
    calls: list[int] = []

    async def flaky(seq: int, raw: str) -> int:
        calls.append(seq)  # a listener that may have posted before failing
        if "boom" in raw:
            raise RuntimeError("listener bug")
        return 500 if "bad" in raw else 200

    for event_id, x in (("E1", "ok"), ("E2", "boom"), ("E3", "bad")):
        await store.enqueue_event("T1", event_id, body({"channel": "C1", "x": x}, event_id))
    worker = InboxWorker(store, flaky)
    worker.start()
    await worker.drain()
    await worker.stop()
    assert calls == [1, 2, 3]  # each once
    outcomes = await store.failed_events()
    assert [(o["event_id"], o["error"][:12]) for o in outcomes] == [
        ("E2", "RuntimeError"),
        ("E3", "status 500"),
    ]
    assert await store.pending_events() == []


async def test_unhandled_events_resume_after_restart(tmp_path: Path) -> None:
    first = Store(tmp_path / "i.db").open()
    await first.enqueue_event("T1", "E1", body({"channel": "C1"}, "E1"))
    first.close()  # as if the process died before handling it
    handled: list[int] = []

    async def dispatch(seq: int, raw: str) -> int:
        handled.append(seq)
        return 200

    second = Store(tmp_path / "i.db").open()
    worker = InboxWorker(second, dispatch)
    worker.start()
    await worker.drain()
    await worker.stop()
    second.close()
    assert handled == [1]


async def test_a_full_disk_holds_events_until_writes_succeed(store: Store) -> None:
    calls: list[str] = []

    async def dispatch(seq: int, raw: str) -> int:
        event_id = json.loads(raw)["event_id"]
        if event_id.startswith("kept"):
            return 200
        calls.append(event_id)
        if event_id == "E2":
            raise RuntimeError("listener bug")  # still recorded as failed, never repeated
        # What a listener stores: here, one large row (it needs new pages).
        kept = f"kept-{event_id}-{len(calls)}"
        await store.enqueue_event("T1", kept, body({"pad": "x" * 50_000}, kept))
        return 200

    for event_id in ("E1", "E2", "E3"):
        await store.enqueue_event("T1", event_id, body({"channel": "C1"}, event_id))
    await fill_disk(store)
    worker = InboxWorker(store, dispatch, retry=(0.01, 0.05))
    worker.start()
    async with asyncio.timeout(10):
        while calls.count("E1") < 3:  # noqa: ASYNC110 (retried on the worker's own timer)
            await asyncio.sleep(0.005)
    assert store.write_failure == "database or disk is full"
    assert await store.failed_events() == []  # a full disk is not a listener bug
    assert [seq for seq, _ in await store.pending_events()] == [1, 2, 3]
    assert "E2" not in calls  # in order: nothing after the held event ran meanwhile
    await make_room(store)
    await worker.drain()
    await worker.stop()
    assert calls.count("E2") == 1
    assert calls.count("E3") == 1
    assert [o["event_id"] for o in await store.failed_events()] == ["E2"]
    assert await store.pending_events() == []
    assert store.write_failure is None


class OutcomeLostOnce(Store):
    """A store whose first attempt to record an event's outcome finds the disk full."""

    lost = False

    async def finish_event(self, seq: int, error: str | None = None) -> None:
        if not self.lost:
            self.lost = True
            raise full_disk_error()
        await super().finish_event(seq, error)


async def test_an_unrecorded_outcome_is_recorded_later_not_run_again(tmp_path: Path) -> None:
    store = OutcomeLostOnce(tmp_path / "o.db")
    store.open()
    calls: list[int] = []

    async def dispatch(seq: int, raw: str) -> int:
        calls.append(seq)  # a listener that posted: running it twice would post twice
        return 200

    await store.enqueue_event("T1", "E1", body({"channel": "C1"}, "E1"))
    await store.enqueue_event("T1", "E2", body({"channel": "C1"}, "E2"))
    worker = InboxWorker(store, dispatch, retry=(0.01, 0.05))
    worker.start()
    await worker.drain()
    await worker.stop()
    store.close()
    assert calls == [1, 2]
    assert store.lost


async def test_refused_events_are_logged_once_a_minute(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async def dispatch(seq: int, raw: str) -> int:
        return 200

    worker = InboxWorker(store, dispatch)
    assert worker.refusal() is None  # the store writes: nothing is refused
    with caplog.at_level(logging.ERROR, logger="bot.inbox"):
        for _ in range(5):
            assert worker.refused("database or disk is full") == (
                "the database cannot be written: database or disk is full"
            )
    lines = [r.getMessage() for r in caplog.records if "refusing new events" in r.getMessage()]
    assert lines == [
        "refusing new events (503, Slack retries them) while the database cannot be written: "
        "database or disk is full; 1 refused since the last such line"
    ]


class ReadInFlight(Store):
    """A store whose first read sees only the oldest pending event (the next one arrived a
    moment later), and whose second read waits until `released` is set: in flight."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads = 0
        self.reading = asyncio.Event()
        self.released = asyncio.Event()

    async def pending_events(self, after: int = 0, limit: int = 500) -> list[tuple[int, str]]:
        self.reads += 1
        rows = await super().pending_events(after, limit)
        if self.reads == 1:
            return rows[:1]
        if self.reads == 2:
            self.reading.set()
            await self.released.wait()
        return rows


async def test_an_event_read_while_a_hold_begins_waits_for_the_held_one(tmp_path: Path) -> None:
    store = ReadInFlight(tmp_path / "f.db")
    store.open()
    calls: list[int] = []

    async def dispatch(seq: int, raw: str) -> int:
        if json.loads(raw)["event_id"] == "k":
            return 200  # what the listener stored
        calls.append(seq)
        if seq == 1:  # a message; seq 2 (same channel) might be its edit adding `!nda`
            if len(calls) == 1:
                await store.reading.wait()  # the fetcher is reading seq 2 right now
            try:
                await store.enqueue_event(
                    "T1", f"kept{len(calls)}", body({"pad": "x" * 50_000}, "k")
                )
            finally:
                # The read finishes only after this failure has put the inbox on hold.
                asyncio.get_running_loop().call_soon(store.released.set)
        return 200

    for event_id in ("E1", "E2"):
        await store.enqueue_event("T1", event_id, body({"channel": "C1"}, event_id))
    await fill_disk(store)
    worker = InboxWorker(store, dispatch, retry=(0.01, 0.05))
    worker.start()
    async with asyncio.timeout(10):
        while calls.count(1) < 2:  # noqa: ASYNC110 (retried on the worker's own timer)
            await asyncio.sleep(0.005)
    await make_room(store)
    await worker.drain()
    await worker.stop()
    store.close()
    assert store.released.is_set()
    assert calls.count(2) == 1
    assert calls == sorted(calls)  # seq 2 never ran before seq 1 got through


async def test_a_storage_error_while_the_store_writes_does_not_stall_the_inbox(
    store: Store,
) -> None:
    calls: list[int] = []

    async def dispatch(seq: int, raw: str) -> int:
        calls.append(seq)
        if seq == 1:  # a read from a damaged file: the writer still writes fine
            error = sqlite3.DatabaseError("database disk image is malformed")
            error.sqlite_errorcode = 11
            error.sqlite_errorname = "SQLITE_CORRUPT"
            raise error
        return 200

    for event_id in ("E1", "E2"):
        await store.enqueue_event("T1", event_id, body({"channel": "C1"}, event_id))
    worker = InboxWorker(store, dispatch, retry=(0.01, 0.05))
    worker.start()
    async with asyncio.timeout(10):  # the drain's own 30 s would only say it later
        await worker.drain()
    await worker.stop()
    assert store.write_failure is None
    assert calls == [1] * STORAGE_TRIES + [2]
    failed = await store.failed_events()
    assert [(o["event_id"], o["error"][:13]) for o in failed] == [("E1", "DatabaseError")]
    assert await store.pending_events() == []


async def test_a_hold_ends_as_soon_as_the_store_writes_again(store: Store) -> None:
    calls: list[int] = []

    async def dispatch(seq: int, raw: str) -> int:
        if json.loads(raw)["event_id"] == "k":
            return 200  # what the listener stored
        calls.append(seq)
        await store.enqueue_event("T1", f"kept{len(calls)}", body({"pad": "x" * 50_000}, "k"))
        return 200

    await store.enqueue_event("T1", "E1", body({"channel": "C1"}, "E1"))
    await fill_disk(store)
    worker = InboxWorker(store, dispatch, retry=(60.0, 60.0))  # a back-off far beyond the test
    worker.start()
    async with asyncio.timeout(10):
        while not (calls and store.write_failure):  # noqa: ASYNC110 (the worker's own task)
            await asyncio.sleep(0.005)
    assert not await worker.catch_up()  # commands that depend on it refuse meanwhile
    await make_room(store)  # as the writer's probe does when room comes back
    async with asyncio.timeout(10):
        assert await worker.catch_up() or await worker.catch_up()
        while await store.pending_events():  # noqa: ASYNC110 (the worker's own task)
            await asyncio.sleep(0.005)
    await worker.stop()
    assert calls == [1, 1]


class ScriptedFinish(Store):
    """A store whose attempts to record an event's outcome fail as scripted, then succeed."""

    def __init__(self, path: Path, faults: dict[int, list[Exception]]) -> None:
        super().__init__(path)
        self.faults = faults

    async def finish_event(self, seq: int, error: str | None = None) -> None:
        if self.faults.get(seq):
            raise self.faults[seq].pop(0)
        await super().finish_event(seq, error)


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param(lambda: {1: [RuntimeError("bug")], 2: [full_disk_error()]}, id="at-once"),
        pytest.param(lambda: {1: [full_disk_error(), RuntimeError("bug")]}, id="on-retry"),
    ],
)
async def test_an_outcome_that_fails_to_be_recorded_never_runs_the_event_again(
    tmp_path: Path, faults: object
) -> None:
    assert callable(faults)
    store = ScriptedFinish(tmp_path / "s.db", faults())
    store.open()
    calls: list[int] = []

    async def dispatch(seq: int, raw: str) -> int:
        calls.append(seq)  # a listener that posted: running it twice would post twice
        return 200

    for event_id in ("E1", "E2", "E3"):
        await store.enqueue_event("T1", event_id, body({"channel": "C1"}, event_id))
    worker = InboxWorker(store, dispatch, retry=(0.01, 0.05))
    worker.start()
    async with asyncio.timeout(10):
        while 3 not in calls:  # noqa: ASYNC110 (the worker's own tasks)
            await asyncio.sleep(0.005)
    await worker.drain()
    await worker.stop()
    store.close()
    assert calls == [1, 2, 3]
    assert not any(store.faults.values())


async def test_capture_commands_refuse_while_earlier_events_are_held(tmp_path: Path) -> None:
    async with running_bot(tmp_path / "bot.db", "http") as env:
        await env.store.set_opt_out(env.team, "U1", True)
        await env.inbox.stop()  # acknowledged and stored, not handled yet
        await env.slack.post_message("U2", "C1", long_message("https://a.example/held"))
        await env.slack.wait_idle()
        await fill_disk(env.store)
        env.inbox.start()
        async with asyncio.timeout(20):
            while (await health(env.port))[0] != 503:  # noqa: ASYNC110 (the bot's timers)
                await asyncio.sleep(0.02)
        ack = await env.slack.slash_command("U1", "C1", "/serendip", "optin")
        assert ack.body is not None
        assert ack.body["text"] == INBOX_HELD
        assert await env.store.opted_out(env.team, "U1")
        await make_room(env.store)
        await env.settle()
        assert [i["url"] for i in await env.store.export_items()] == ["https://a.example/held"]
        ack = await env.slack.slash_command("U1", "C1", "/serendip", "optin")
        assert ack.body is not None
        assert "Welcome back" in str(ack.body["text"])
