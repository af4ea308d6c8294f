"""The event inbox: events are acknowledged once stored, and handled right after.

Slack wants an answer within 3 seconds and retries otherwise; a listener may need the Web API
and the store several times. So a delivered event is first written to the inbox (durably, one
group commit shared with its neighbours) and acknowledged; the worker here then feeds it to
the Bolt listeners. A crash loses nothing: on start the worker takes up every event that was
stored but not handled. Events of one channel are handled in order (an edit after its
message, a reaction after what it reacts to, a reply after its thread's message); channels
proceed side by side (up to 16 at a time). Which events
this process may handle is `bot/leases.py`'s: all of them on SQLite, and on PostgreSQL those
of the partitions its lease holds, while other replicas handle the rest.

Acknowledgements come first: while events keep arriving, the worker holds back (never more
than MAX_LAG seconds), because Slack's 3-second deadline is a hard failure and a learning
stored a few seconds later is not.

A store that cannot write (a full disk, a read-only file) is not a listener bug: the event
stays pending, the worker pauses and takes up the oldest pending event again after a back-off,
or as soon as the store writes again, until writes succeed. Meanwhile new events are refused
(503), so Slack delivers them again later. Any other failure marks the event as failed: a
listener's own exception, or a storage error while the store still writes (a read that fails),
once a few retries did not help.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.inbox_cursor import Cursor
from bot.later import Later
from bot.leases import Claims, SoleOwner
from bot.store import Store, is_storage_error

log = logging.getLogger(__name__)
Dispatch = Callable[[int, str], Awaitable[int]]
INBOX_SEQ = "inbox_seq"  # context key: the inbox position of the event being handled
PARTITIONS = 16
QUIET = 0.05  # seconds without a new event before handling starts
MAX_LAG = 10.0  # but never hold back longer than this
CATCH_UP_SECONDS = 1.0  # a command waits this long at most for earlier events
# Where replicas share the inbox, a command on another replica waits (catch_up) for this one's
# events and cannot tell it to hurry: hold back less than the command waits.
SHARED_MAX_LAG = CATCH_UP_SECONDS / 2
DRAIN_SECONDS = 30.0  # drain() gives up then: a test or the demo fails instead of hanging
RETRY_FIRST, RETRY_MAX = 1.0, 30.0  # back-off while the store cannot write
WAKE_EVERY = 0.05  # seconds between looks, during a back-off, at whether the store writes again
STORAGE_TRIES = 3  # attempts of one event that meets storage errors while the store writes
REFUSAL_LOG_EVERY = 60.0  # seconds between log lines about refused events
Era = tuple[int, int]  # (hold epoch, lease generation): queued events of another era are void
Queued = tuple[Era, int, int, str]  # (era, seq, partition, body)


class InboxWorker:
    """Feeds stored events to the listeners, in order per channel, until stopped."""

    def __init__(
        self,
        store: Store,
        dispatch: Dispatch,
        partitions: int = PARTITIONS,
        later: Later | None = None,
        retry: tuple[float, float] = (RETRY_FIRST, RETRY_MAX),
        claims: Claims | None = None,
    ) -> None:
        self.store = store
        self.dispatch = dispatch
        self.later = later or Later()
        self.claims = claims or SoleOwner(store)
        self.wake = asyncio.Event()
        self._queues: list[asyncio.Queue[Queued]] = [asyncio.Queue() for _ in range(partitions)]
        self._cursor = Cursor(self.claims)
        self._generation = self.claims.generation
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.last_accepted = 0.0
        self._urgent = 0
        self._retry = retry
        self._delay = retry[0]
        self._held = False  # the store failed: pause, then take up pending events again
        self._held_for_writes = False  # ... because the store said it cannot write
        self._tries: dict[int, int] = {}  # storage errors per event while the store writes
        self._epoch = 0  # queued events of an older epoch are fetched again after a pause
        # handled, but the outcome not stored: seq -> (partition, lease epoch, outcome)
        self._unrecorded: dict[int, tuple[int, int, str | None]] = {}
        self._refused = 0
        self._refusal_logged = -REFUSAL_LOG_EVERY

    def start(self) -> None:
        """Start the fetcher (which first takes this process's partitions) and one handler
        task per queue."""
        self._tasks = [asyncio.create_task(self._fetch(), name="inbox-fetch")]
        self._tasks += [
            asyncio.create_task(self._handle(queue), name=f"inbox-{i}")
            for i, queue in enumerate(self._queues)
        ]

    async def stop(self) -> None:
        """Stop taking events; what is not handled yet stays in the inbox for the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self.claims.stop()

    async def drain(self) -> None:
        """Wait until every stored event has been handled (tests, the demo, benchmarks)."""
        async with asyncio.timeout(DRAIN_SECONDS):
            while True:
                self.wake.set()
                await asyncio.sleep(0)
                await self._idle.wait()
                if not self._held and not await self.store.pending_events(self._cursor.after, 1):
                    await self._idle.wait()
                    await self.later.drain()  # what listeners handed off, too
                    if (
                        self._idle.is_set()
                        and not self._held
                        and not await self.store.pending_events(self._cursor.after, 1)
                    ):
                        return
                await asyncio.sleep(0.005)

    @property
    def held(self) -> bool:
        """Whether handling is paused because the store failed (events wait for a retry)."""
        return self._held

    async def catch_up(self) -> bool:
        """Handle every event delivered so far before going on; False if that took too long,
        or if the inbox is held (the store failed), which `held` then says.

        A command that changes what capture does (opt-out, channel capture, forget-me) must
        act after the messages sent before it, not before them.
        """
        newest = await self.store.newest_event()
        if newest is None:
            return True
        self._urgent += 1
        self.wake.set()
        try:
            async with asyncio.timeout(CATCH_UP_SECONDS):
                # The condition lives in the database (any handler may finish those events),
                # so it is polled rather than awaited.
                while self._held or await self.store.unhandled_before(newest):  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            return True
        except TimeoutError:
            log.warning("went on before the inbox caught up (%.1f s)", CATCH_UP_SECONDS)
            return False
        finally:
            self._urgent -= 1

    def refusal(self) -> str | None:
        """Why a new event must be refused now (the store cannot write), or None."""
        failure = self.store.write_failure
        return None if failure is None else self.refused(failure)

    def refused(self, failure: str) -> str:
        """Count a refused event and say so in the log, once a minute at most."""
        self._refused += 1
        now = asyncio.get_running_loop().time()
        if now - self._refusal_logged >= REFUSAL_LOG_EVERY:
            log.error(
                "refusing new events (503, Slack retries them) while the database cannot be "
                "written: %s; %d refused since the last such line",
                failure,
                self._refused,
            )
            self._refusal_logged, self._refused = now, 0
        return f"the database cannot be written: {failure}"

    def accepted(self) -> None:
        """A new event is in the inbox: note the time, and wake the fetcher."""
        self.last_accepted = asyncio.get_running_loop().time()
        self.wake.set()

    async def _quiet(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        lag = SHARED_MAX_LAG if self.claims.shared else MAX_LAG
        # A debounce: waiting for a quiet moment is the point, so it sleeps in a loop.
        while (  # noqa: ASYNC110
            not self._urgent
            and loop.time() - self.last_accepted < QUIET
            and loop.time() - started < lag
        ):
            await asyncio.sleep(QUIET)

    async def _fetch(self) -> None:
        await self.claims.start()
        while True:
            if self._held:
                await self._recover()
                continue
            if self._generation != self.claims.generation:
                await self._changed_hands()
                continue
            await self._quiet()
            era = self._era()  # as it is before the read: a hold meanwhile voids the rows
            try:
                limit = self._cursor.limit
                rows = await self._cursor.read()
            except Exception as exc:
                if not is_storage_error(exc):
                    raise
                self._hold(exc)
                continue
            if self._held or era != self._era():
                # A handler failed while the read was in flight: these rows come after its
                # event and must not run ahead of it; they are fetched again after the pause.
                continue
            queued = self._queue_rows(era, rows)
            now = asyncio.get_running_loop().time()
            if not queued and len(rows) < limit and not self._cursor.rescan(now):
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)

    def _era(self) -> Era:
        return self._epoch, self.claims.generation

    async def _changed_hands(self) -> None:
        """Partitions were gained, or held again after a lapse (some events were skipped):
        once what was queued has dropped out, read from the oldest pending event on."""
        await self._idle.wait()
        self._generation = self.claims.generation
        self._cursor.restart()

    def _queue_rows(self, era: Era, rows: list[tuple[int, int, str]]) -> bool:
        """Queue the rows not taken yet, each by its partition; False if there were none."""
        # Skipped: handled already, only the outcome waits to be stored.
        fresh = self._cursor.take(rows, skip=self._unrecorded)
        for seq, part, body in fresh:
            self._in_flight += 1
            self._idle.clear()
            self._queues[part % len(self._queues)].put_nowait((era, seq, part, body))
        return bool(fresh)

    def _hold(self, exc: BaseException) -> None:
        """The store failed: pause, and take up the pending events after a while."""
        if not self._held:
            log.warning("the store failed (%s): events wait for a retry", exc)
            self._held, self._held_for_writes = True, False
            self._epoch += 1  # what is queued now is fetched again, in order, after the pause
        self._held_for_writes |= self.store.write_failure is not None

    async def _recover(self) -> None:
        """Wait out the back-off, store outcomes that could not be stored, then resume."""
        await self._idle.wait()  # what was running has finished; what was queued is dropped
        log.info("retrying pending events in %.1f s at most", self._delay)
        await self._back_off()
        self._delay = min(self._delay * 2, self._retry[1])
        for seq, (part, lease, outcome) in list(self._unrecorded.items()):
            try:
                await self.claims.finish(seq, part, lease, outcome)
            except Exception as exc:
                if is_storage_error(exc):
                    self._hold(exc)  # still failing: wait again
                    return
                # Kept: the event is skipped when fetched again, and recorded at a later try.
                log.exception("could not record the outcome of event %s", seq)
                continue
            del self._unrecorded[seq]
        self._held = False
        self._cursor.restart()  # from the oldest pending event on, in order again

    async def _back_off(self) -> None:
        """Sleep the back-off, but no longer than the store keeps failing to write: commands
        wait (catch_up) for the held events, and must not wait out 30 s of nothing."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._delay
        while (left := deadline - loop.time()) > 0:
            if self._held_for_writes and self.store.write_failure is None:
                return  # a write (the writer's probe, say) succeeded: try again now
            await asyncio.sleep(min(WAKE_EVERY, left))

    async def _handle(self, queue: asyncio.Queue[Queued]) -> None:
        while True:
            era, seq, part, body = await queue.get()
            try:
                # Not while the partition's lease is in doubt or being given back: the event
                # stays in the inbox for whoever holds the partition next.
                lease = self.claims.holds(part)
                if era == self._era() and lease is not None:
                    await self._handle_one(seq, part, lease, body)
            finally:
                self._cursor.release(seq, part)
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._idle.set()

    async def _handle_one(self, seq: int, part: int, lease: int, body: str) -> None:
        try:
            outcome = await self._attempt(seq, body)
        except Exception as exc:  # only a storage error gets here
            outcome = self._storage_outcome(seq, exc)
            if outcome is None:
                self._hold(exc)
                return
        self._tries.pop(seq, None)
        try:
            await self.claims.finish(seq, part, lease, outcome)
        except Exception as exc:
            # The listener ran: store its outcome later rather than run it twice (kept in
            # `_unrecorded`, the event is skipped when fetched again).
            self._unrecorded[seq] = (part, lease, outcome)
            if not is_storage_error(exc):
                log.exception("could not record the outcome of event %s", seq)
                return
            self._hold(exc)
            return
        self._delay = self._retry[0]  # the store writes again

    def _storage_outcome(self, seq: int, exc: Exception) -> str | None:
        """None to hold the event for a retry, else the failure to record it with.

        While the writer says writes fail (`write_failure`, which /healthz and the intake
        show), the event waits as long as that lasts. A storage error while it says writes
        work (a read from a corrupt file, an I/O error, or a write failure another write has
        already cleared) gets a few tries with back-off, then is recorded as the event's
        failure: retried forever, it would stall every event behind it while /healthz said
        all was well.
        """
        if self.store.write_failure is not None:
            return None
        tries = self._tries[seq] = self._tries.get(seq, 0) + 1
        if tries < STORAGE_TRIES:
            return None
        log.error("event %s failed %d times on a storage error: %s", seq, tries, exc)
        return repr(exc)

    async def _attempt(self, seq: int, body: str) -> str | None:
        # Once only: a listener that failed may already have posted, and posting twice is
        # worse than a failure that is recorded (reads and 429s are retried by the client).
        # A store that cannot write is the exception: nothing could be kept, so it runs again.
        try:
            status = await self.dispatch(seq, body)
        except Exception as exc:
            if is_storage_error(exc):
                raise
            log.exception("event %s failed", seq)  # a listener bug must not stop the inbox
            return repr(exc)
        if status != 200:
            log.error("event %s failed with status %s", seq, status)
            return f"status {status}"
        return None
