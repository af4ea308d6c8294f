"""Reading day files into what they add, in this process or, for a big export, in another one.

A worker process reads and parses while this process writes: Python's threads would share
one core, processes use two. At most WINDOW chunks of results wait to be written, so memory
stays flat even when writing is the slower half.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from bot.importing.graph import Threads, message_interactions
from bot.importing.messages import NOTHING, Rules, read_message
from bot.importing.source import ExportSource, MalformedFile, Member, load_json, open_export
from bot.models import ChannelInfo, ImportedInteraction, ItemDraft, ShareInput

CHUNK = 32  # day files per task handed to the worker
WINDOW = 4  # tasks in flight
DELETED = "deleted, or marked !nda in an edit"


@dataclass
class Day:
    """What one day file adds, and what it skips."""

    member: Member
    messages: int = 0
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    shares: list[tuple[ShareInput, ItemDraft]] = field(default_factory=list)
    reactions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    interactions: list[ImportedInteraction] = field(default_factory=list)
    malformed: str | None = None


def read_day(
    source: ExportSource,
    member: Member,
    channel: ChannelInfo,
    rules: Rules,
    threads: Threads | None = None,
) -> Day:
    """Every message of one day file through the capture rules and the interaction graph's;
    `threads` carries what the graph remembers of threads from one day file to the next."""
    threads = threads if threads is not None else Threads()
    day = Day(member)
    try:
        messages = load_json(source, member)
        if not isinstance(messages, list):
            raise MalformedFile(f"{member.path}: not a list of messages")
    except MalformedFile as exc:
        day.malformed = str(exc)
        return day
    day.messages = len(messages)
    for message in messages:
        day.interactions += message_interactions(message, channel, rules, threads)
        kept = read_message(message, channel, rules)
        if isinstance(kept, str):
            day.skipped[kept] += 1
            continue
        where = (channel.id, str(message["ts"]))
        if kept.removed:
            day.skipped[DELETED] += 1
            day.removed.append(where)
            continue
        if kept.shares:
            day.kept += 1
            day.shares += kept.shares
            day.reactions += kept.reactions
        else:
            day.skipped[NOTHING] += 1
        if kept.replaced:
            day.replaced.append(where)
    return day


Job = tuple[Member, ChannelInfo]
_worker: tuple[ExportSource, Rules, Threads] | None = None


def _start_worker(path: str, rules: Rules) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker = (open_export(path), rules, Threads())  # one worker reads every file, in order


def _read_chunk(jobs: list[Job]) -> list[Day]:
    assert _worker is not None
    source, rules, threads = _worker
    return [read_day(source, member, channel, rules, threads) for member, channel in jobs]


def read_days(
    source: ExportSource, path: str, jobs: list[Job], rules: Rules, worker: bool
) -> Iterator[Day]:
    """Each job's Day, in order: read here, or by one worker process."""
    if not worker:
        threads = Threads()
        for member, channel in jobs:
            yield read_day(source, member, channel, rules, threads)
        return
    chunks = iter([jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)])
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    with context.Pool(1, initializer=_start_worker, initargs=(path, rules)) as pool:
        waiting = deque(pool.apply_async(_read_chunk, (c,)) for c in islice(chunks, WINDOW))
        while waiting:
            days = waiting.popleft().get()
            following = next(chunks, None)
            if following is not None:
                waiting.append(pool.apply_async(_read_chunk, (following,)))
            yield from days
