"""`serendip run` on a full disk: acknowledged events wait and are handled once space comes
back, without a restart; new events are refused meanwhile, and `/healthz` says why.

Two disks. The first needs no privilege and always runs: RLIMIT_FSIZE, set on the running
bot from outside (prlimit works on one's own processes). Past the limit every write fails
with EFBIG, which SQLite reports as "disk I/O error"; Python ignores SIGXFSZ, so the bot gets
the error, not the signal. Raising the limit again is space coming back. The second is a
small tmpfs filled by a file (ENOSPC: "database or disk is full", the real error); mounting
it needs privileges, so it is skipped without them (CI runs as root).
"""

from __future__ import annotations

import asyncio
import errno
import os
import resource
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from localslack import LocalSlack
from tests.support.bot import populate
from tests.support.processes import free_port, start, wait_handled, wait_healthy
from tests.support.storefaults import health

EVENTS = 6


class RlimitDisk:
    """The bot's file size limit (RLIMIT_FSIZE): 0 is a full disk."""

    error = "disk I/O error"

    def __init__(self, tmp_path: Path) -> None:
        if not hasattr(resource, "prlimit"):
            pytest.skip("prlimit(2) is Linux only")
        self.folder, self.pid = tmp_path, 0

    def fill(self) -> None:
        set_file_limit(self.pid, 0)

    def free(self) -> None:
        set_file_limit(self.pid, resource.RLIM_INFINITY)

    def close(self) -> None:
        """Nothing to undo: the limit ends with the process."""


class TmpfsDisk:
    """A 16 MB tmpfs holding the database, filled to the last page by a file."""

    error = "database or disk is full"

    def __init__(self, tmp_path: Path) -> None:
        self.folder, self.pid = tmp_path / "disk", 0
        self.folder.mkdir()
        command = ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(self.folder)]
        try:
            mounted = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            pytest.skip(f"no mount command: {exc}")
        if mounted.returncode:
            pytest.skip(f"mounting a tmpfs needs privileges: {mounted.stderr.strip()}")

    def fill(self) -> None:
        fd = os.open(self.folder / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, bytes(4096))
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        finally:
            os.close(fd)

    def free(self) -> None:
        (self.folder / "filler").unlink()

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.folder)], check=False)


Disk = RlimitDisk | TmpfsDisk


@pytest.fixture(params=[RlimitDisk, TmpfsDisk])
def disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Disk]:
    """A disk for the bot's database that the test fills and frees."""
    made: Disk = request.param(tmp_path)
    yield made
    made.close()


def set_file_limit(pid: int, limit: int) -> None:
    """The largest file offset the process may write at (its soft RLIMIT_FSIZE)."""
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def inbox_rows(db: Path) -> tuple[int, int]:
    """(events not handled yet, events marked failed), read beside the running bot."""
    conn = sqlite3.connect(db)
    try:
        pending = conn.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()
        failed = conn.execute("SELECT count(*) FROM inbox WHERE error IS NOT NULL").fetchone()
    finally:
        conn.close()
    return int(pending[0]), int(failed[0])


async def until_health(port: int, status: int) -> dict[str, object]:
    async with asyncio.timeout(30):
        while True:
            code, body = await health(port)
            if code == status:
                return body
            await asyncio.sleep(0.05)


def log_pipe(lines: list[str]) -> tuple[IO[bytes], threading.Thread]:
    """A pipe for the bot's log, read as it comes (the file size limit does not apply to a
    pipe); returns its writing end, for the child, and the reading thread."""
    read_fd, write_fd = os.pipe()

    def read() -> None:
        with os.fdopen(read_fd, "rb") as stream:
            for raw in stream:
                lines.append(raw.decode("utf-8", "replace"))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return os.fdopen(write_fd, "wb"), thread


async def test_a_full_disk_loses_no_acknowledged_event(disk: Disk) -> None:
    db, port = disk.folder / "full.db", free_port()
    log: list[str] = []
    async with LocalSlack() as slack:
        populate(slack)
        # Slack's retries, stretched less than the real 1 and 5 minutes but past the back-off.
        slack.deliver_http(
            f"http://127.0.0.1:{port}/slack/events", retry_delays=(1.0, 5.0, 20.0), timeout=3.0
        )
        child_log, reader = log_pipe(log)
        with child_log:
            bot = start(slack, db, port, stderr=child_log)
        disk.pid = bot.pid
        try:
            await wait_healthy(port)
            # The listeners first ask Slack about the channel and are told to wait two
            # seconds: the events are acknowledged and stored, their handling still to come.
            slack.rate_limit("conversations.info", times=EVENTS, retry_after=2)
            posts = [
                asyncio.create_task(slack.post_message("U1", "C1", f"<https://f.example/{i}>"))
                for i in range(EVENTS)
            ]
            await asyncio.gather(*posts)
            async with asyncio.timeout(10):
                while sum(d.acked for d in slack.deliveries) < EVENTS:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            disk.fill()
            body = await until_health(port, 503)
            assert body["reason"] == f"the database cannot be written: {disk.error}"
            pending, failed = inbox_rows(db)
            assert pending == EVENTS  # acknowledged, kept, not given up on
            assert failed == 0

            # A new event is refused while the store cannot write; Slack will send it again.
            late = asyncio.create_task(slack.post_message("U2", "C1", "<https://f.example/late>"))
            async with asyncio.timeout(10):
                while len(slack.deliveries) <= EVENTS or not slack.deliveries[EVENTS].statuses:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            assert slack.deliveries[EVENTS].statuses[0] == 503

            disk.free()  # space comes back
            await late
            await slack.wait_idle(timeout=40)
            await wait_handled(db)
            assert (await health(port))[0] == 200
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=10)
            reader.join(timeout=5)
    conn = sqlite3.connect(db)
    urls = {row[0] for row in conn.execute("SELECT url FROM items")}
    failed_rows = conn.execute("SELECT count(*) FROM inbox WHERE error IS NOT NULL").fetchone()
    conn.close()
    assert urls == {f"https://f.example/{i}" for i in range(EVENTS)} | {"https://f.example/late"}
    assert failed_rows[0] == 0
    assert all(d.acked for d in slack.deliveries)  # every event got in, in the end
    text = "".join(log)
    assert "refusing new events (503, Slack retries them)" in text
    assert "the database can be written again" in text
