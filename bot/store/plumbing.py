"""What every area of `Store` relies on: reads, writes and the clock. `Store` provides them;
the areas (capture, directory, inbox, digests, asking, Home, review, figures, imports, graph) are
mixins that only declare them here."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlite_utils import Database

T = TypeVar("T")


class Plumbing:
    """The reads, writes and clock `Store` gives its areas."""

    _clock: Callable[[], float]

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def _write_alone(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def _read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def _write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def _submit_write(self, fn: Callable[[Database], T]) -> Future[T]:
        raise NotImplementedError
