"""Work a listener hands off once it has answered Slack.

Slack wants a slash command, button or shortcut answered within 3 seconds, and Bolt answers
when the listener returns. A listener that must call Slack several times (post a card, ask
experts, fetch permalinks) stores what matters, acknowledges, and runs the rest here; the
person hears back through `respond`. Nothing here is lost silently: failures are logged, and
shutting down waits for what is running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel a background loop and wait until it has ended (nothing to do for None)."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Later:
    """The tasks listeners started after acknowledging, so they can be awaited."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, work: Coroutine[Any, Any, object], name: str) -> None:
        """Start `work` now, without making the listener wait for it."""
        task = asyncio.create_task(self._guard(work, name), name=f"later-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, work: Coroutine[Any, Any, object], name: str) -> None:
        try:
            await work
        except asyncio.CancelledError:
            log.warning("%s was cut short by a shutdown after it was acknowledged", name)
            raise
        except Exception:
            log.exception("%s failed after it was acknowledged", name)

    async def drain(self) -> None:
        """Wait for everything started so far (and what it started in turn); callers bound it."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
