"""What every part of `Store` relies on: reads and writes. `Store` provides them; the parts
(digests, asking, review, Home, stats, import) are mixins that only declare them here."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlite_utils import Database

T = TypeVar("T")


class Plumbing:
    """The reads and writes `Store` gives its parts."""

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def submit_write(self, fn: Callable[[Database], T]) -> Future[T]:
        raise NotImplementedError
